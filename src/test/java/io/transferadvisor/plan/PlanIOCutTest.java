package io.transferadvisor.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.transferadvisor.util.Json;
import org.junit.jupiter.api.Test;

/** A JSON file cut off inside a token is named as cut off, not as a bad token; a complete but broken one is not. */
class PlanIOCutTest {
    static JsonProcessingException parse(String text) {
        return catchThrowableOfType(JsonProcessingException.class, () -> Json.json().readTree(text));
    }

    @Test
    void aCutInsideATokenSaysTheFileEndsEarly() {
        String cut = "{\"a\": [1, 2], \"b\": fals";
        JsonProcessingException e = parse(cut);
        assertThat(PlanIO.syntax(e)).startsWith("Unrecognized token 'fals'");
        assertThat(PlanIO.syntax(e, cut)).startsWith("the file ends early").contains("Unrecognized token 'fals'");
        assertThat(PlanIO.describe(e, cut)).startsWith("the file ends early");
        String whole = "{\"a\": [1, 2], \"b\": fals }";
        assertThat(PlanIO.syntax(parse(whole), whole)).startsWith("Unrecognized token 'fals'");
        // a cut between tokens already said so once, and says it once
        String between = "{\"a\": [1, 2], ";
        assertThat(PlanIO.syntax(parse(between), between)).startsWith("the file ends early").doesNotContain("ends early (cut off while being written or copied?): the file");
    }
}
