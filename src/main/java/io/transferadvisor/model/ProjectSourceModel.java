package io.transferadvisor.model;

import io.transferadvisor.util.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A model made by this project (`advisor pretrain`): profiles/NAME.json (its ModelProfile) next to
 * profiles/NAME.zip (ModelSerializer). The zip's SHA-256 must match the profile's.
 */
public final class ProjectSourceModel implements SourceModel {
    private final String name;
    private final Path json;
    private final Path zip;
    private ModelProfile profile;

    public ProjectSourceModel(Path json) {
        String file = json.getFileName().toString();
        this.name = file.substring(0, file.length() - ".json".length());
        this.json = json.toAbsolutePath();
        this.zip = this.json.resolveSibling(name + ".zip");
    }

    @Override
    public String name() {
        return name;
    }

    /** Reads the profile on first use; a bad file is a ModelException naming it. */
    @Override
    public synchronized ModelProfile profile() {
        if (profile == null) {
            ModelProfile p = ProfileFiles.read(json);
            if (!name.equals(p.name())) {
                throw new ModelException("model profile " + json + " is named '" + p.name() + "' but its file says '" + name
                        + "'; rename the file to " + p.name() + ".json or fix its name field");
            }
            profile = p;
        }
        return profile;
    }

    @Override
    public boolean available() {
        return Files.isRegularFile(zip);
    }

    @Override
    public String weightsLocation() {
        return zip.toString();
    }

    @Override
    public ComputationGraph load() {
        NativeThreads.apply();
        if (!available()) {
            throw new ModelException("weights for " + name + " not found: " + zip + " is missing; recreate it with 'advisor pretrain"
                    + (json.getParent() != null ? " -o " + json.getParent() : "") + " --force'");
        }
        String expected = profile().sha256();
        String actual = Hashing.sha256(zip);
        if (expected != null && !expected.equals(actual)) {
            throw new ModelException("weights file " + zip + " is corrupt or was replaced: sha256 " + actual.substring(0, 12)
                    + "..., profile " + json.getFileName() + " expects " + expected.substring(0, Math.min(12, expected.length()))
                    + "...; restore both files together (git checkout profiles/) or rerun 'advisor pretrain --force'");
        }
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("cannot load " + name + " from " + zip + ": " + ProfileFiles.oneLine(e.getMessage())
                    + "; rerun 'advisor pretrain --force'", e);
        }
    }
}
