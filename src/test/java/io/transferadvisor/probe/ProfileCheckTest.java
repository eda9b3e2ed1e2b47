package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.SourceModel;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/** ProfileCheck's model hash: a zoo model records no weights hash until its weights are there (issue 10: recommend hit a null, exit 1). */
class ProfileCheckTest {
    static SourceModel model(String sha) {
        ModelProfile p = new ModelProfile(ModelProfile.SCHEMA_VERSION, "zoo:fake", "imagenet", List.of("a", "b"), new InputGeometry(28, 28, 1),
                10, List.of(), List.of("conv1"), null, sha, null);
        return new SourceModel() {
            public String name() {
                return "zoo:fake";
            }

            public ModelProfile profile() {
                return p;
            }

            public boolean available() {
                return false;
            }

            public String weightsLocation() {
                return "/nowhere/fake.zip";
            }

            public ComputationGraph load() {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void aModelWithoutAWeightsHashGetsUnknownWithWhereTheWeightsGoNotNull() {
        assertThat(ProfileCheck.shaOf(model(null))).startsWith("unknown (").contains("zoo:fake", "/nowhere/fake.zip");
        assertThat(ProfileCheck.shaOf(model("abc123"))).isEqualTo("abc123");
    }
}
