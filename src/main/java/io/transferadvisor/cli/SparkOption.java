package io.transferadvisor.cli;

import io.transferadvisor.features.RemoteFeaturizer;
import picocli.CommandLine.Option;

/** {@code --spark MASTER}: the frozen network runs over the images on Apache Spark (docs/SPARK.md). */
public final class SparkOption {
    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Run the frozen network over the images on Apache Spark: local[N], spark://HOST:PORT, yarn or k8s://... "
                    + "Features land in the same cache; everything after them runs here. ./advisor builds the Spark variant on first use "
                    + "(docs/SPARK.md).")
    String master;

    /** The featurizer to close after the command, or null without --spark. */
    RemoteFeaturizer open() {
        return master == null ? null : RemoteFeaturizer.open(master);
    }
}
