package io.transferadvisor.execute;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.report.RunMetrics;
import java.nio.file.Path;

/**
 * What an execution produced.
 *
 * @param runDir  the run directory (model.zip or ensemble.json, plan.yaml, metrics.json, report.html, ...)
 * @param plan    the plan as executed (overrides applied)
 * @param metrics the metrics written to metrics.json
 */
public record RunResult(Path runDir, Plan plan, RunMetrics metrics) {}
