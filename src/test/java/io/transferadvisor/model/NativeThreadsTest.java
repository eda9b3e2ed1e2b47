package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeThreadsTest {
    @Test
    void loadingAModelLeavesBlasAtOneThread() {
        // Any load goes through NativeThreads.apply(); the committed project model is always present.
        ModelRegistry.resolve(new io.transferadvisor.dataset.DatasetSpec.ModelRef("fmnist-cnn", null, null)).load();
        assertThat(NativeThreads.blasThreads()).isEqualTo(1);
    }
}
