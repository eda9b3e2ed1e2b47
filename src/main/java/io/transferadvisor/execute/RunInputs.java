package io.transferadvisor.execute;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Everything an execution reads besides the plan: the loaded data, how to find a model by the
 * name the plan uses, and the profile and audit (read as generic JSON; either may be null).
 *
 * @param data        loaded, split dataset
 * @param models      model name (as in plan.models) -> source model
 * @param datasetFile the dataset.yaml (absolute; recorded in the executed plan), may be null in tests
 * @param profile     plan.profile.json content, or null
 * @param audit       plan.audit.json content, or null
 */
public record RunInputs(LoadedDataset data, Function<String, SourceModel> models, Path datasetFile,
                        JsonNode profile, JsonNode audit) {}
