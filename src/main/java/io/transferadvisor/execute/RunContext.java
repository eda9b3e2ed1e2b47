package io.transferadvisor.execute;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.report.RunMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;

   /**
* Everything one single-model execution needs while it runs: the plan, the data loaded at the
* model's geometry, where to write, and what the run has measured so far (phases, history, notes).
* Built by {@link SingleRun}; read and filled by the strategy family that trains the network.
*/
   final class RunContext {
       final Plan plan;
       final Hyperparameters hp;
       final RunInputs in;
       final RunFolder folder;
       final ExecuteOptions options;
       final Progress progress;
       final Instant deadline;
       final Map<String, Double> phases = new LinkedHashMap<>();
       final Map<String, List<RunMetrics.EpochRow>> history = new LinkedHashMap<>();
       final List<String> notes = new ArrayList<>();
       RunMetrics.CacheUse cache;
       TrainerState last;
       SourceModel source;
       InputGeometry geometry;
       InputType inputType;
       int classes;
       double[] classWeights;
       TrainData train;
       TrainData validation;
       TrainData test;
       long clock = System.nanoTime();

       RunContext(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress, Instant deadline) {
           this.plan = plan;
           this.hp = plan.hyperparameters();
           this.in = in;
           this.folder = folder;
           this.options = options;
           this.progress = progress;
           this.deadline = deadline;
       }

       void lap(String phase) {
           long now = System.nanoTime();
           phases.merge(phase, (now - clock) / 1e9, Double::sum);
           clock = now;
       }

       /** The splits as the source network wants them (its preprocessing applied); in.data() keeps the raw images. */
       LoadedDataset data;

       LoadedDataset data() {
           return data != null ? data : in.data();
       }
   }

