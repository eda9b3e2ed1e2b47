package io.transferadvisor.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesContentWithSharedPermissionsAndNoTemporaryLeft() throws IOException {
        Path f = dir.resolve("report.html");
        AtomicFiles.writeString(f, "hello");
        assertThat(Files.readString(f)).isEqualTo("hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("report.html");
        }
    }

    @Test
    void failedWriteKeepsTheOldContentAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("plan.yaml");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).isInstanceOf(OutputException.class).hasMessageContaining("plan.yaml").hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }
}
