package io.transferadvisor.pipeline;

import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.Prober;
import java.io.PrintWriter;

/**
 * Profiling as every command runs it: the probe's measurements (one forward pass, closed-form
 * scores). Its sampling time is the advising cost the suite reports. (Until 2026-11-30 it also
 * trained two candidate plans on folds of tiny data, the measured plan trials; guards.drl
 * ensemble-tiny-plans, now ensemble-plans, replaced them: docs/design/suite.md.)
 */
public final class Profiling {
    private Profiling() {}

    public static DatasetProfile run(LoadedDataset data, SourceModel model, ProbeOptions options, PrintWriter progress) {
        return Prober.run(data, model, options, progress);
    }
}
