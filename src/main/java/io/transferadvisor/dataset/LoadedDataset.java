package io.transferadvisor.dataset;

import java.util.Optional;

/**
 * The data a spec describes, split and ready to stream.
 *
 * @param spec        the spec it came from
 * @param train       labelled training images (after filters, subsampling and hold-outs)
 * @param validation  held out of train for early stopping
 * @param test        the test data (given, or held out of train)
 * @param unlabelled  unlabelled images, if the spec names any
 * @param contentHash SHA-256 over the selected images' bytes and labels: the audit's dataset identity
 * @param skipped     unreadable files skipped under the corrupt-file policy, with reasons
 */
public record LoadedDataset(DatasetSpec spec, ImageSet train, ImageSet validation, ImageSet test,
                            Optional<ImageSet> unlabelled, String contentHash,
                            java.util.List<String> skipped) {
    public LoadedDataset {
        skipped = java.util.List.copyOf(skipped);
    }

    public java.util.List<String> classNames() {
        return train.classNames();
    }

    /**
     * "skipped N unreadable images (first: PATH)", or empty when none were skipped: said on stderr by
     * the commands that load data, and recorded in the profile (sampling.skippedImages) and the run's notes.
     */
    public java.util.Optional<String> skippedSummary() {
        if (skipped.isEmpty()) {
            return java.util.Optional.empty();
        }
        String first = skipped.get(0);
        int colon = first.indexOf(": ");
        return java.util.Optional.of("skipped " + skipped.size() + " unreadable image" + (skipped.size() == 1 ? "" : "s")
                + " (first: " + (colon > 0 ? first.substring(0, colon) : first) + "); 'advisor validate' lists them with the reasons");
    }

    /** The same splits with every image through the preprocessing (this very dataset for NONE); the identity stays the raw images'. */
    public LoadedDataset preprocessed(Preprocessing p) {
        if (p == null || p.isIdentity()) {
            return this;
        }
        return new LoadedDataset(spec, train.preprocessed(p), validation.preprocessed(p), test.preprocessed(p),
                unlabelled.map(u -> u.preprocessed(p)), contentHash, skipped);
    }

    public int labelledCount() {
        return train.size() + validation.size() + test.size();
    }
}
