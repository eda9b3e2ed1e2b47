package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.rules.facts.DataFacts;
import io.transferadvisor.rules.facts.Note;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trust boundary (rules/README.md): RuleBase.load refuses, before compiling anything, every rule
 * that does more than match facts, compute values and insert / insertLogical / update / retract facts.
 */
class RuleSandboxTest {
    static final DataFacts DATA = new DataFacts("m", 60, 50, 5, 10, 10.0, 1.0, 1000, 50, true, "28x28x1", "28x28x1", 0);

    /** A rule whose line 5 is the condition and line 8 the code under test. */
    static String rule(String condition, String code) {
        return "package t;\n"
                + "import io.transferadvisor.rules.facts.*;\n"
                + "rule \"evil\" @id(\"evil\") @rationale(\"test\")\n"
                + "when\n"
                + "    " + condition + "\n"
                + "then\n"
                + "    insert(new Note(\"a\", \"b\"));\n"
                + "    " + code + "\n"
                + "end\n";
    }

    static String refusal(Path dir, String drl) throws Exception {
        Files.writeString(dir.resolve("evil.drl"), drl);
        try {
            RuleBase.load(dir);
        } catch (RulesException e) {
            return e.getMessage();
        }
        throw new AssertionError("loaded although it should be refused:\n" + drl);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "System.exit(0);                                                   | call System.exit(...)",
        "java.lang.System.exit(0);                                         | call java.lang.System.exit(...)",
        "Runtime.getRuntime().exec(\"touch x\");                           | call Runtime.getRuntime()",
        "new ProcessBuilder(\"touch\", \"x\").start();                     | new ProcessBuilder(...)",
        "new java.io.FileWriter(\"x\").write(\"y\");                       | new java.io.FileWriter(...)",
        "java.nio.file.Files.writeString(java.nio.file.Path.of(\"x\"), \"y\"); | call java.nio.file.Files.writeString(...)",
        "String home = System.getProperty(\"user.home\");                  | call System.getProperty(...)",
        "org.bytedeco.openblas.global.openblas.blas_set_num_threads(1);     | call org.bytedeco.openblas.global.openblas.blas_set_num_threads(...)",
        "insert(java.util.List.of(new Note(\"a\", \"b\")));               | call java.util.List.of(...)",
        "Class.forName(\"java.lang.Runtime\");                             | call Class.forName(...)",
        "insert(new Note(\"a\", \"b\").getClass());                        | call new Note(\"a\", \"b\").getClass()",
        "insert($m.getClass().getClassLoader());                           | call $m.getClass()",
        "drools.getKieRuntime().halt();                                    | call drools.getKieRuntime()",
        "var d = drools;                                                   | drools as a value (only drools.insert(...) and the like)",
        "new Thread(() -> insert(new Note(\"a\", \"b\"))).start();          | new Thread(...)",
        "insert(new Note(\"a\", \"b\") { });                                | an anonymous class (new Note() {...})",
        "insert(String.class);                                             | a class literal (String.class)",
        "Object o = null;                                                  | the type Object",
        "while (true) { }                                                  | a while loop",
        "// \\u000a System.exit(7);                                        | a unicode escape (\\u000a; the Java compiler reads it as code: write the character itself)",
        "for (int i = 0; i < 3; i++) { insert(new Note(\"a\", \"b\")); }   | a for loop",
        "do { } while (true);                                              | a do-while loop",
        "try { insert(new Note(\"a\", \"b\")); } catch (Exception e) { }   | try/catch",
        "throw new IllegalStateException(\"x\");                           | throw",
        "synchronized (this) { insert(new Note(\"a\", \"b\")); }            | synchronized",
        "java.util.function.Supplier<String> s = () -> \"x\";              | the type java.util.function.Supplier<String>",
    })
    void aConsequenceDoingMoreThanChangingFactsIsRefusedWithFileLineRuleAndWhat(String code, String what, @TempDir Path dir) throws Exception {
        String message = refusal(dir, rule("DataFacts($m: model)", code));
        assertThat(message).startsWith("evil.drl:8: rule \"evil\": " + what + " is not allowed in a rule; rules may only")
                .doesNotContain("\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "DataFacts(System.exit(0) == 0)                          | call System.exit(...) in a condition",
        "DataFacts(trainImages > 0, java.lang.Runtime.getRuntime() != null) | call java.lang.Runtime.getRuntime() in a condition",
        "DataFacts(model.getClass() != null)                     | call model.getClass() in a condition",
        "eval(System.exit(0) == 0)                               | 'eval' in a condition (eval(...))",
        "DataFacts() from java.util.List.of()                    | a pattern source ('from' on DataFacts)",
        "Number() from accumulate(DataFacts($n: trainImages), sum($n)) | a pattern source ('accumulate' on Number)",
        "java.io.File(path != null)                              | matching java.io.File objects",
    })
    void aConditionCallingAnythingOutsideTheWhitelistIsRefused(String condition, String what, @TempDir Path dir) throws Exception {
        String message = refusal(dir, rule(condition, ""));
        assertThat(message).startsWith("evil.drl:5: rule \"evil\": " + what + " is not allowed in a rule");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "import java.io.File;                                  | 2: import java.io.File",
        "function int f() { return 1; }                        | 2: a function (function f)",
        "global java.util.List out;                            | 2: a global (global out)",
        "declare Evil x : int end                              | 2: a type declaration (declare Evil)",
    })
    void packageLevelCodeIsRefused(String declaration, String what, @TempDir Path dir) throws Exception {
        String drl = rule("DataFacts()", "").replace("import io.transferadvisor.rules.facts.*;\n",
                declaration + "\nimport io.transferadvisor.rules.facts.*;\n");
        String message = refusal(dir, drl);
        assertThat(message).startsWith("evil.drl:" + what + " is not allowed in a rule");
    }

    @Test
    void aRulePackageWhoseClassesWouldShadowAnAllowedClassIsRefused(@TempDir Path dir) throws Exception {
        // package io.transferadvisor.rules.shadow holds a class Note: `new Note(...)` would make that, not the fact
        String drl = rule("DataFacts()", "").replace("package t;", "package io.transferadvisor.rules.shadow;");
        assertThat(refusal(dir, drl)).startsWith("evil.drl:1: the package io.transferadvisor.rules.shadow (its class Note would stand in for "
                + "io.transferadvisor.rules.facts.Note; use package io.transferadvisor.rules.drl) is not allowed in a rule");
    }

    @Test
    void computedAnnotationsAndAttributesAreRefusedBeforeDroolsEvaluatesThem(@TempDir Path dir) throws Exception {
        // Drools evaluates annotation values with MVEL while compiling: this one would end the JVM
        // with exit 3 inside RuleBase.load if it reached the compiler.
        String annotated = rule("DataFacts()", "").replace("@rationale(\"test\")", "@rationale(java.lang.System.exit(3))");
        assertThat(refusal(dir, annotated)).startsWith("evil.drl:3: rule \"evil\": a computed annotation @rationale(java.lang.System.exit(3))");
        String salience = rule("DataFacts()", "").replace("when\n", "salience (System.exit(0))\nwhen\n");
        assertThat(refusal(dir, salience)).startsWith("evil.drl:4: rule \"evil\": a computed salience");
        String timer = rule("DataFacts()", "").replace("when\n", "timer (int: 1s)\nwhen\n");
        assertThat(refusal(dir, timer)).startsWith("evil.drl:4: rule \"evil\": the attribute 'timer'");
    }

    @Test
    void codeThatIsNotJavaCannotBeCheckedAndIsRefused(@TempDir Path dir) throws Exception {
        String modify = rule("$d: DataFacts()", "modify($d) { setModel(\"x\") }");
        assertThat(refusal(dir, modify)).startsWith("evil.drl:8: rule \"evil\": consequence code that is not Java (")
                .contains("MVEL-only syntax such as modify blocks");
        String in = rule("DataFacts(model in (\"a\", \"b\"))", "");
        assertThat(refusal(dir, in)).startsWith("evil.drl:5: rule \"evil\": the constraint 'model in (\"a\", \"b\")' (not a Java expression: ")
                .contains("in a condition is not allowed in a rule");
    }

    @Test
    void aTextBlockIsRefusedBecauseMvelWouldReadItsQuotesAsStringsAroundCode(@TempDir Path dir) throws Exception {
        String code = "String s = \"\"\"\n      \" + System.exit(0) + \"\n      \"\"\";";
        assertThat(refusal(dir, rule("DataFacts()", code))).startsWith("evil.drl:8: rule \"evil\": a text block (MVEL reads");
    }

    @Test
    void aDecisionTableActionIsCheckedAndReportedAtItsRow(@TempDir Path dir) throws Exception {
        String csv = Files.readString(Path.of("rules", "matrix.drl.csv"))
                .replace("\"insert(new Proposal(", "\"System.exit(0); insert(new Proposal(");
        Files.writeString(dir.resolve("matrix.drl.csv"), csv);
        int row = csv.lines().toList().indexOf(csv.lines().filter(l -> l.startsWith("matrix-tiny-high,")).findFirst().orElseThrow()) + 1;
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class)
                .hasMessageStartingWith("matrix.drl.csv:" + row + " (row matrix-tiny-high): rule \"matrix-tiny-high\": call System.exit(...) is not allowed");
    }

    @Test
    void whatTheWhitelistAllowsLoadsAndRuns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ok.drl"), """
                package t;
                import io.transferadvisor.rules.facts.*;
                import io.transferadvisor.plan.Strategy;
                rule "ok" @id("ok") @rationale("every allowed construct once")
                    salience 10
                when
                    $d: DataFacts($n: trainPerClass > 1, model.length() > 0, $m: model, imbalance >= Math.abs(-1.0))
                    not Note(topic == "x")
                then
                    String why = String.format(java.util.Locale.ROOT, "%.1f per class of %s", $n, $m.toUpperCase());
                    double top = Math.max(1.0, Math.round($n));
                    if (top > 5 && Strategy.LINEAR_FROZEN.name().startsWith("LINEAR")) {
                        why = why + " " + String.valueOf((int) top) + " " + Integer.toString($d.trainImages());
                    } else {
                        why = String.join(",", why, "small");
                    }
                    drools.insert(new Note("ok", why));
                    insertLogical(new Note("logical", $d.model()));
                end
                """);
        RuleBase rb = RuleBase.load(dir);
        List<Note> notes = rb.evaluate(List.of(DATA)).all(Note.class);
        assertThat(notes).contains(new Note("ok", "10.0 per class of M 10 50"), new Note("logical", "m"));
    }

    @Test
    void theShippedRulesPassTheSandbox() {
        RuleBase shipped = RuleBase.load(Path.of("rules"));
        assertThat(shipped.rules()).hasSizeGreaterThan(70);
    }
}
