package io.transferadvisor.pipeline;

import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.Prober;
import java.io.PrintWriter;
import java.util.List;

/**
 * Profiling as every command runs it: the probe's measurements (one forward pass, closed-form
 * scores), then on tiny data the measured plan trials, which train networks. The profile's
 * sampling time covers both: it is the advising cost the suite reports.
 */
public final class Profiling {
    private Profiling() {}

    public static DatasetProfile run(LoadedDataset data, SourceModel model, ProbeOptions options, PrintWriter progress) {
        DatasetProfile p = Prober.run(data, model, options, progress);
        if (!options.trials() || !PlanTrials.applies(data, model.profile().candidateCuts())) {
            return p;
        }
        long t0 = System.nanoTime();
        List<DatasetProfile.PlanTrial> trials = PlanTrials.run(data, model, options, progress, PlanTrials.capSeconds(data.spec().budget()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (progress != null) {
            progress.printf(java.util.Locale.ROOT, "probe: plan trials %.1f s%n", seconds);
        }
        return p.withTrials(trials, seconds);
    }
}
