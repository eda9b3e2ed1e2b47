package io.transferadvisor.model;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes ModelProfile JSON files (profiles/NAME.json). */
public final class ProfileFiles {
    private ProfileFiles() {}

    public static ModelProfile read(Path file) {
        try {
            ModelProfile p = Json.json().readValue(file.toFile(), ModelProfile.class);
            if (p.schemaVersion() != ModelProfile.SCHEMA_VERSION) {
                throw new ModelException("model profile " + file + " has schemaVersion " + p.schemaVersion()
                        + ", this tool reads " + ModelProfile.SCHEMA_VERSION + "; regenerate it with 'advisor pretrain --force'");
            }
            return p;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelException("model profile " + file + " not found; create it with 'advisor pretrain'", e);
        } catch (IOException e) {
            throw new ModelException("model profile " + file + " is not a valid profile: " + oneLine(e.getMessage())
                    + "; regenerate it with 'advisor pretrain --force'", e);
        }
    }

    public static String toJson(ModelProfile profile) {
        try {
            return Json.json().writeValueAsString(profile) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise model profile " + profile.name(), e);
        }
    }

    public static void write(Path file, ModelProfile profile) {
        AtomicFiles.writeString(file, toJson(profile));
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
