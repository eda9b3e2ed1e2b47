package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProfileIO;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10's bad-input table: every command given wrong input, one line per case (arguments,
 * expected exit code, words the message must contain). Every case runs under a timeout, must not
 * exit 1 (internal error) or print a stack trace, and must leave the working folder as it found it:
 * every file there before is unchanged (unless the case is meant to replace it), nothing new appears
 * (unless the case is meant to write it), and no *.tmp is left behind.
 *
 * <p>Fixtures are made once: a 72-image copy of the glyphs (examples/glyphs, 12 per letter), its
 * profile, a plan recommended from it, and a finished one-epoch run; the bad files are derived from
 * them. {D} in a case stands for the fixture folder. The feature cache is the fixture's own ({D}/cache)
 * and is left out of the snapshot.
 */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class BadInputTest {
    @TempDir
    static Path dir;

    static final Duration TIMEOUT = Duration.ofSeconds(90);

    // ------------------------------------------------------------------ the table

    /** One case: arguments ({D} = fixture folder), expected exit code, words expected on stderr, files it may write. */
    record Case(String args, int exit, List<String> words, Set<String> writes) {
        Case writing(String... files) {
            return new Case(args, exit, words, Set.of(files));
        }

        @Override
        public String toString() {
            return args + " -> " + exit;
        }
    }

    static Case c(String args, int exit, String... words) {
        return new Case(args, exit, List.of(words), Set.of());
    }

    static final int USAGE = ExitCodes.USAGE;
    static final int DATA = ExitCodes.BAD_DATASET;
    static final int MODEL = ExitCodes.BAD_MODEL;
    static final int RULES = ExitCodes.BAD_RULES;
    static final int PLAN = ExitCodes.BAD_PLAN;
    static final int OUT = ExitCodes.OUTPUT;

    static List<Case> table() {
        return List.of(
                // top level
                c("", USAGE, "missing subcommand"),
                c("frobnicate", USAGE, "Unmatched argument", "frobnicate"),
                c("valdate {D}/tiny.yaml", USAGE, "Unmatched argument", "validate"),
                // validate
                c("validate", USAGE, "Missing required parameter", "DATASET.yaml"),
                c("validate {D}/tiny.yaml --bogus", USAGE, "Unknown option", "--bogus"),
                c("validate {D}/nosuch.yaml", DATA, "nosuch.yaml", "dataset file not found"),
                c("validate {D}", DATA, "cannot read dataset file", "folder, not a file"),
                c("validate {D}/fifo.yaml", DATA, "fifo.yaml", "not a regular file"),
                c("validate /dev/zero", DATA, "/dev/zero", "not a regular file"),
                c("validate {D}/latin1.yaml", DATA, "latin1.yaml", "not UTF-8 text", "byte 0xE9 at byte offset", "(line 2)"),
                c("validate {D}/huge.yaml", DATA, "huge.yaml", "over the 4,194,304-byte limit"),
                c("validate {D}/empty.yaml", DATA, "empty.yaml", "expected a mapping"),
                c("validate {D}/list.yaml", DATA, "list.yaml", "expected a mapping"),
                c("validate {D}/broken.yaml", DATA, "broken.yaml", "not valid YAML"),
                c("validate {D}/dupkey.yaml", DATA, "dupkey.yaml", "Duplicate field 'seed'"),
                c("validate {D}/notrain.yaml", DATA, "notrain.yaml", "train"),
                c("validate {D}/badsplit.yaml", DATA, "badsplit.yaml", "split", "add up to"),
                c("validate {D}/nodata.yaml", DATA, "nodata.yaml", "not found"),
                c("validate {D}/badmodel.yaml", MODEL, "badmodel.yaml: model:", "unknown model 'fmnist-cn'", "did you mean 'fmnist-cnn'?"),
                c("validate {D}/fifoidx.yaml", DATA, "fifoidx.yaml", "train.images", "not a regular file"),
                c("validate {D}/badzoo.yaml", MODEL, "unknown model 'zoo:resnet5'", "did you mean 'zoo:resnet50'?"),
                // models
                c("models --bogus", USAGE, "Unknown option", "--bogus"),
                c("models extra", USAGE, "Unmatched argument", "extra"),
                // pretrain (all refused before any training)
                c("pretrain --epochs 0 -o {D}/pt", USAGE, "epochs 0 out of range", "1..100"),
                c("pretrain --lr -1 -o {D}/pt", USAGE, "learningRate -1.0 out of range"),
                c("pretrain --batch 0 -o {D}/pt", USAGE, "batchSize 0 out of range"),
                c("pretrain --per-class -3 -o {D}/pt", USAGE, "perClass -3 out of range"),
                c("pretrain --epochs x -o {D}/pt", USAGE, "Invalid value for option '--epochs'"),
                c("pretrain -o {D}/p.json", OUT, "p.json is a file", "give a folder"),
                c("pretrain --data {D}/nosuch -o {D}/pt", DATA, "train-images-idx3-ubyte.gz", "not found"),
                // profile
                c("profile", USAGE, "Missing required parameter"),
                c("profile {D}/nosuch.yaml", DATA, "dataset file not found"),
                c("profile {D}/latin1.yaml", DATA, "not UTF-8 text"),
                c("profile {D}/tiny.yaml -o {D}/p.json", OUT, "p.json already exists", "--force"),
                c("profile {D}/tiny.yaml --plot {D}/x.gif", USAGE, "--plot", "x.gif", ".png or .svg"),
                c("profile {D}/tiny.yaml --seed abc", USAGE, "'abc' is not a long"),
                // --spark on the default build (the Spark variant is target-spark/, built by ./advisor on demand)
                c("profile {D}/tiny.yaml --spark local[2]", USAGE, "--spark local[2]", "no Spark support", "docs/SPARK.md"),
                c("execute {D}/plan.yaml -o {D}/x --spark local[2]", USAGE, "no Spark support"),
                c("profile {D}/tiny.yaml --sample-cap 0 --cache {D}/cache", USAGE, "sample"),
                c("profile {D}/badmodel.yaml", MODEL, "unknown model 'fmnist-cn'"),
                // recommend --profile: the profile checked against the dataset and the model (item 5)
                c("recommend {D}/tiny.yaml --profile {D}/nosuch.json -o {D}/r.yaml", PLAN, "nosuch.json not found", "advisor profile"),
                c("recommend {D}/tiny.yaml --profile {D}/p-otherdata.json -o {D}/r.yaml", PLAN, "measured on other data", "datasetHash", "re-profile"),
                c("recommend {D}/tiny.yaml --profile {D}/p-othermodel.json -o {D}/r.yaml", PLAN, "is for model 'zoo:resnet50'", "does not name"),
                c("recommend {D}/tiny.yaml --profile {D}/p-negative.json -o {D}/r.yaml", PLAN, "profile.size.images -5 out of range", "allowed 1.."),
                c("recommend {D}/tiny.yaml --profile {D}/p-zeroclasses.json -o {D}/r.yaml", PLAN, "profile.size.classes 0 out of range"),
                c("recommend {D}/tiny.yaml --profile {D}/p-zeroimages.json -o {D}/r.yaml", PLAN, "profile.size.images 0 out of range"),
                c("recommend {D}/tiny.yaml --profile {D}/p-infinity.json -o {D}/r.yaml", PLAN, "profile.similarity Infinity out of range", "0..1"),
                c("recommend {D}/tiny.yaml --profile {D}/p-nan.json -o {D}/r.yaml", PLAN, "estimate.value NaN", "finite", "layers[0].logme"),
                c("recommend {D}/tiny.yaml --profile {D}/p-layer.json -o {D}/r.yaml", PLAN, "layer 'fc9'", "not a candidate cut", "b1_pool"),
                c("recommend {D}/tiny.yaml --profile {D}/p-duplayer.json -o {D}/r.yaml", PLAN, "twice"),
                c("recommend {D}/tiny.yaml --profile {D}/p-edited.json -o {D}/r.yaml", PLAN, "says 9999 images", "edited"),
                c("recommend {D}/tiny.yaml --profile {D}/p-typo.json -o {D}/r.yaml", PLAN, "unknown key 'sizes'", "did you mean 'size'?"),
                c("recommend {D}/tiny.yaml --profile {D}/p-schema.json -o {D}/r.yaml", PLAN, "schemaVersion 7"),
                c("recommend {D}/tiny.yaml --profile {D}/p-truncated.json -o {D}/r.yaml", PLAN, "not valid JSON", "ends early"),
                c("recommend {D}/tiny.yaml --profile {D}/empty.yaml -o {D}/r.yaml", PLAN, "empty.yaml"),
                c("recommend {D}/tiny.yaml --profile {D}/latin1.yaml -o {D}/r.yaml", PLAN, "not UTF-8 text"),
                c("recommend {D}/tiny.yaml --profile {D}/fifo.yaml -o {D}/r.yaml", PLAN, "not a regular file"),
                c("recommend {D}/tiny.yaml --profile {D} -o {D}/r.yaml", PLAN, "folder, not a file"),
                c("recommend {D}/tiny.yaml --profile {D}/p.json --profile {D}/p.json -o {D}/r.yaml", PLAN, "second profile for model 'fmnist-cnn'"),
                c("recommend {D}/tiny.yaml --profile {D}/p.json --models zoo:lenet -o {D}/r.yaml", USAGE, "--models zoo:lenet", "--profile files are for fmnist-cnn"),
                c("recommend {D}/tiny.yaml --profile {D}/p.json -o {D}/plan.yaml", OUT, "plan.yaml already exists", "--force"),
                c("recommend {D}/tiny.yaml --profile {D}/p.json --rules {D}/nosuch -o {D}/r.yaml", RULES, "rules folder", "not found"),
                c("recommend {D}/nosuch.yaml --profile {D}/p.json -o {D}/r.yaml", DATA, "dataset file not found"),
                c("recommend {D}/tiny.yaml --profile {D}/p-renamed.json -o {D}/r.yaml", ExitCodes.OK, "warning:", "names dataset 'renamed'")
                        .writing("r.yaml", "r.audit.json", "r.profile.json"),
                // --force replaces only what advisor wrote (issue 10, item 1)
                c("recommend {D}/tiny.yaml --profile {D}/p.json -o {D}/replace.yaml --force", OUT, "replace.yaml was not written by advisor",
                        "even with --force"),
                c("recommend {D}/tiny.yaml --profile {D}/p.json -o {D}/own.yaml --force", ExitCodes.OK)
                        .writing("own.yaml", "own.audit.json", "own.profile.json"),
                c("execute {D}/plan.yaml -o {D}/img --force", OUT, "img", "not a run made by advisor"),
                c("execute {D}/plan.yaml -o {D}/tiny.yaml --force", OUT, "tiny.yaml"),
                c("profile {D}/tiny.yaml -o {D}/replace.yaml --force", OUT, "replace.yaml was not written by advisor"),
                // explain and --what-if (item 6)
                c("explain", USAGE, "give one plan.yaml"),
                c("explain {D}/nosuch.yaml", PLAN, "nosuch.yaml not found"),
                c("explain {D}/plan.yaml --what-if images=10000000", ExitCodes.OK),
                c("explain {D}/plan.yaml --what-if imags=100", USAGE, "key 'imags' unknown", "did you mean 'images'?"),
                c("explain {D}/plan.yaml --what-if simlarity=0.2", USAGE, "did you mean 'similarity'?"),
                c("explain {D}/plan.yaml --what-if images", USAGE, "not KEY=VALUE", "did you mean 'images=VALUE'?"),
                c("explain {D}/plan.yaml --what-if images=lots", USAGE, "not a number"),
                c("explain {D}/plan.yaml --what-if images=-3", USAGE, "images=-3 out of range", "1..1000000000"),
                c("explain {D}/plan.yaml --what-if images=Infinity", USAGE, "out of range"),
                c("explain {D}/plan.yaml --what-if similarity=2", USAGE, "similarity=2 out of range", "0..1"),
                c("explain {D}/plan.yaml --what-if overlap=NaN", USAGE, "out of range"),
                c("explain {D}/plan.yaml --what-if imbalance=0.5", USAGE, "imbalance=0.5 out of range"),
                c("explain {D}/plan.yaml --what-if images=100 --rules {D}/nosuch", RULES, "rules folder", "not found"),
                c("explain --diff {D}/plan.yaml", USAGE, "--diff needs two"),
                c("explain {D}/img", PLAN, "audit", "not found"),
                c("explain {D}/noaudit.yaml", PLAN, "noaudit.audit.json is missing"),
                c("explain {D}/cut.audit.json", PLAN, "audit", "cut.audit.json", "ends early"),
                c("explain {D}/p.json", PLAN, "p.json is a dataset profile", "not an audit"),
                c("explain {D}/stratgy.yaml", PLAN, "unknown key 'stratgy'", "did you mean 'strategy'?"),
                // rules check
                c("rules check {D}/nosuch", RULES, "rules folder", "not found"),
                c("rules check {D}/emptyrules", RULES, "emptyrules"),
                c("rules check {D}/brokenrules", RULES, "broken.drl"),
                // the rules trust boundary (issue 10, item 2): refused at load, before any rule runs or compiles
                c("rules check {D}/exitrules", RULES, "evil.drl:5", "call System.exit(...) is not allowed in a rule"),
                c("recommend {D}/tiny.yaml --profile {D}/p.json --rules {D}/exitrules -o {D}/evil.yaml", RULES, "System.exit"),
                c("rules check {D}/writerules", RULES, "evil.drl:5", "is not allowed in a rule"),
                c("rules check {D}/looprules", RULES, "evil.drl:5", "while loop is not allowed in a rule"),
                c("explain {D}/plan.yaml --what-if images=100 --rules {D}/exitrules", RULES, "System.exit"),
                c("rules bogus", USAGE, "Unmatched argument", "bogus"),
                c("rules check --model", USAGE, "Missing required parameter for option '--model'"),
                // execute
                c("execute", USAGE, "missing PLAN.yaml"),
                c("execute {D}/nosuch.yaml", PLAN, "nosuch.yaml not found", "advisor recommend"),
                c("execute {D}/stratgy.yaml -o {D}/x", PLAN, "unknown key 'stratgy'", "did you mean 'strategy'?"),
                c("execute {D}/nested.yaml -o {D}/x", PLAN, "unknown key 'hyperparameters.maxEpoch'", "did you mean 'maxEpochs'?"),
                c("execute {D}/badenum.yaml -o {D}/x", PLAN, "strategy", "FINETUNE_ABOV", "allowed"),
                c("execute {D}/badlr.yaml -o {D}/x", PLAN, "hyperparameters.headLearningRate 5.0 out of range"),
                c("execute {D}/nomodels.yaml -o {D}/x", PLAN, "plan.models is empty"),
                c("execute {D}/schema9.yaml -o {D}/x", PLAN, "schemaVersion 9"),
                c("execute {D}/latin1.yaml -o {D}/x", PLAN, "not UTF-8 text", "byte offset"),
                c("execute {D}/fifo.yaml -o {D}/x", PLAN, "not a regular file"),
                c("execute {D}/huge.yaml -o {D}/x", PLAN, "over the 4,194,304-byte limit"),
                c("execute {D}/tiny.yaml -o {D}/x", PLAN, "unknown key 'version'"),
                c("execute {D}/p.json -o {D}/x", PLAN, "unknown key"),
                c("execute {D}/plan.yaml --epochs 0 -o {D}/x", USAGE, "--epochs 0 out of range", "1..10000"),
                c("execute {D}/plan.yaml --lr -1 -o {D}/x", USAGE, "--lr -1.0 out of range"),
                c("execute {D}/plan.yaml --backbone-lr 2 -o {D}/x", USAGE, "--backbone-lr 2.0 out of range"),
                c("execute {D}/badcycle.yaml -o {D}/x", PLAN, "learningRateSchedule.epochs 1 out of range for ONE_CYCLE; allowed 3..10000"),
                c("execute {D}/plan.yaml --strategy FINETUNE_ALL --cutoff b3_relu -o {D}/x", USAGE, "strategy FINETUNE_ALL takes no cutoff layer"),
                c("execute {D}/plan.yaml --strategy LINEAR_FROZEN --backbone-lr 0.001 -o {D}/x", USAGE, "trains no pretrained backbone layer"),
                c("execute {D}/plan.yaml --strategy LINEAR_FROZEN --freeze b1_conv -o {D}/x", USAGE, "--freeze: strategy LINEAR_FROZEN"),
                c("execute {D}/plan.yaml --lr-schedule zigzag:3 -o {D}/x", USAGE, "unknown schedule 'zigzag'", "one-cycle:EPOCHS"),
                c("execute {D}/plan.yaml --lr-schedule one-cycle:1 -o {D}/x", USAGE, "learningRateSchedule.epochs 1 out of range"),
                c("execute {D}/plan.yaml --lr-schedule warmup:two -o {D}/x", USAGE, "EPOCHS 'two' is not a whole number"),
                c("execute {D}/plan.yaml --lr-schedule warmup:2:50 -o {D}/x", USAGE, "learningRateSchedule.peak 50.0 out of range"),
                c("execute {D}/plan.yaml --strategy NOPE -o {D}/x", USAGE, "Invalid value for option '--strategy'", "NOPE"),
                c("execute {D}/plan.yaml --epochs many -o {D}/x", USAGE, "Invalid value for option '--epochs'"),
                c("execute {D}/plan.yaml -o {D}/run", OUT, "already holds a finished run", "--force"),
                c("execute --resume {D}/nosuch", OUT, "cannot resume", "no plan.yaml"),
                c("execute --resume {D}/run -o {D}/x", USAGE, "--resume continues in RUN_DIR itself; do not give -o/--output"),
                c("execute --resume {D}/run --force", USAGE, "do not give --force with it"),
                c("execute --resume {D}/img", OUT, "cannot resume", "no plan.yaml"),
                // run
                c("run", USAGE, "Missing required parameter"),
                c("run {D}/nosuch.yaml", DATA, "dataset file not found"),
                c("run {D}/latin1.yaml", DATA, "not UTF-8 text"),
                c("run {D}/fifo.yaml", DATA, "not a regular file"),
                c("run {D}/tiny.yaml --epochs 0", USAGE, "--epochs 0 out of range"),
                c("run {D}/tiny.yaml --lr 0", USAGE, "--lr 0.0 out of range"),
                c("run {D}/badmodel.yaml -o {D}/x", MODEL, "unknown model 'fmnist-cn'"),
                c("run {D}/plan.yaml -o {D}/run", OUT, "already holds a finished run"),
                // predict
                c("predict", USAGE, "Missing required parameters"),
                c("predict {D}/run", USAGE, "Missing required parameter", "IMAGE|DIR"),
                c("predict {D}/nosuch {D}/img/a.png", OUT, "not a finished run"),
                c("predict {D}/img {D}/img/a.png", OUT, "not a finished run"),
                c("predict {D}/run {D}/img/nosuch.png", DATA, "nosuch.png not found"),
                c("predict {D}/run {D}/img/bad.png", DATA, "bad.png", "unreadable"),
                c("predict {D}/run {D}/fifo.yaml", DATA, "fifo.yaml", "not a regular file"),
                c("predict {D}/run /dev/zero", DATA, "/dev/zero", "not a regular file"),
                c("predict {D}/run {D}/empty", DATA, "no images found"),
                c("predict {D}/run {D}/img/a.png --top 0", USAGE, "--top 0"),
                c("predict {D}/corruptrun {D}/img/a.png", MODEL, "model.zip is corrupt", "re-run"),
                c("predict {D}/nomodelrun {D}/img/a.png", MODEL, "model.zip missing"),
                // bench: refused before any benchmark starts
                c("bench bogus", USAGE, "Unmatched argument"),
                c("bench plans --tasks nosuch -o {D}/b.md", USAGE, "--tasks nosuch", "neither a built-in task"),
                c("bench plans --tasks defualt -o {D}/b.md", USAGE, "did you mean 'default'?"),
                c("bench plans --max-epochs 0 -o {D}/b.md", USAGE, "--max-epochs 0 out of range"),
                c("bench probe --sizes 7 -o {D}/b.md", USAGE, "--sizes 7", "multiples of 5"),
                c("bench probe --epoch-budget -1 -o {D}/b.md", USAGE, "--epoch-budget -1.0 out of range"),
                c("bench rules --profile {D}/nosuch.json -o {D}/b.md --runs 0", PLAN, "nosuch.json not found"),
                c("bench rules --iterations 0 -o {D}/b.md --runs 0", USAGE, "--iterations 0 out of range"),
                c("bench torch --epochs 0 -o {D}/b.md", USAGE, "--epochs 0 out of range"),
                c("bench torch --batch 0 -o {D}/b.md", USAGE, "--batch 0 out of range"),
                c("bench torch --zoo --zoo-batch 0 -o {D}/b.md", USAGE, "--zoo-batch 0 out of range"),
                c("bench torch --zoo --zoo-rounds 0 -o {D}/b.md", USAGE, "--zoo-rounds 0 out of range"),
                c("bench recipe --split training -o {D}/b.md", USAGE, "--split training", "calibration, held-out or all"),
                c("bench recipe --variants quick -o {D}/b.md", USAGE, "--variants quick: not a recipe", "half-patience"),
                c("bench recipe --tasks new-5cls --report-only -o {D}/b.md", USAGE, "--tasks new-5cls", "did you mean"),
                c("bench recipe --seeds 7 --report-only -o {D}/b.md", USAGE, "--seeds 7", "not one of the suite's seeds"),
                c("bench profile --iterations 0 -o {D}/b.md", USAGE, "--iterations 0 out of range"),
                c("bench profile --rounds 0 -o {D}/b.md", USAGE, "--rounds 0 out of range"),
                c("bench cache --epochs 0 -o {D}/b.md", USAGE, "--epochs 0 out of range"),
                c("bench cache --bogus", USAGE, "Unknown option"),
                c("bench zoo-probe --model fmnist-cnn --dir {D}/zp -o {D}/b.md", USAGE, "--model fmnist-cnn: not a zoo network", "zoo:resnet50"),
                c("bench zoo-probe --model zoo:resnet5 --dir {D}/zp -o {D}/b.md", USAGE, "--model zoo:resnet5: not a zoo network"),
                c("bench zoo-probe --images 100 --per-class 625 --dir {D}/zp -o {D}/b.md", USAGE, "--images 100 is fewer than 4 classes x --per-class 625"),
                c("bench zoo-probe --per-class 5 --dir {D}/zp -o {D}/b.md", USAGE, "--per-class 5 out of range"),
                c("bench spark -o {D}/b.md", USAGE, "compares one JVM with --spark MASTER", "local[2]"),
                c("bench spark --spark local[2] --dir {D}/bs -o {D}/b.md", USAGE, "no Spark support"));
    }

    static Stream<Case> cases() {
        return table().stream();
    }

    // ------------------------------------------------------------------ the check

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGivesItsExitCodeAndMessageAndLosesNothing(Case c) throws Exception {
        String[] args = c.args().isEmpty() ? new String[0]
                : Arrays.stream(c.args().split(" ")).map(a -> a.replace("{D}", dir.toString())).toArray(String[]::new);
        Map<String, String> before = snapshot();
        CliTestSupport.Result r = assertTimeoutPreemptively(TIMEOUT, () -> CliTestSupport.run(args), "hung: " + c.args());
        String why = c.args() + "\nstdout: " + r.out() + "\nstderr: " + r.err();
        assertThat(r.exitCode()).as(why).isNotEqualTo(ExitCodes.INTERNAL).isEqualTo(c.exit());
        assertThat(r.err()).as(why).doesNotContain("\tat ", "Exception in thread", "error: internal");
        if (!c.words().isEmpty()) {
            assertThat(r.err()).as(why).contains(c.words());
        }
        if (System.getProperty("badinput.dump") != null) { // -Dbadinput.dump=FILE: every case's messages, for review
            Files.writeString(Path.of(System.getProperty("badinput.dump")), c.args() + " => " + r.exitCode() + "\n" + r.err() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        if (c.exit() != ExitCodes.OK) {
            List<String> errorLines = r.err().lines().filter(l -> l.startsWith("error:")).toList();
            assertThat(errorLines).as("one error line: " + why).hasSize(1);
        }
        Map<String, String> after = snapshot();
        for (var e : before.entrySet()) {
            if (!c.writes().contains(e.getKey())) {
                assertThat(after.get(e.getKey())).as("file " + e.getKey() + " lost or changed by: " + c.args()).isEqualTo(e.getValue());
            }
        }
        for (String f : after.keySet()) {
            // lock files (.PLAN.yaml.lock, RUN/.advisor-run.lock) are left on purpose: deleting one would let two
            // processes lock two different files (docs/design/reliability.md)
            boolean lockFile = Path.of(f).getFileName().toString().startsWith(".") && f.endsWith(".lock");
            assertThat(before.containsKey(f) || c.writes().contains(f) || lockFile).as("new file " + f + " left by: " + c.args()).isTrue();
            assertThat(f).as("temporary file left by: " + c.args()).doesNotEndWith(".tmp").doesNotContain(".tmp-");
        }
        for (String f : c.writes()) {
            assertThat(after).as("expected output " + f).containsKey(f);
        }
    }

    @Test
    void theTableCoversEveryCommandWithAtLeast80Cases() {
        List<Case> t = table();
        assertThat(t).hasSizeGreaterThanOrEqualTo(80);
        for (String command : List.of("validate", "models", "pretrain", "profile", "recommend", "explain", "rules check", "execute",
                "run", "predict", "bench plans", "bench probe", "bench rules", "bench torch", "bench profile", "bench cache", "bench recipe")) {
            assertThat(t).as(command).anySatisfy(c -> assertThat(c.args()).startsWith(command));
        }
    }

    /** Every regular file under the fixture folder (the feature cache aside) with its SHA-256. */
    static Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith("cache/")) {
                    out.put(rel, Hashing.sha256(p));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ fixtures

    static Path d(String name) {
        return dir.resolve(name);
    }

    @BeforeAll
    static void fixtures() throws Exception {
        Path glyphs = Path.of("examples", "glyphs", "labelled").toAbsolutePath().normalize();
        String tiny = String.format(java.util.Locale.ROOT, """
                version: 1
                name: glyphs-tiny
                train:
                  format: folder
                  path: %s
                  per_class: 12
                split: {test: 0.25, validation: 0.15}
                model: fmnist-cnn
                seed: 42
                budget: {minutes: 1, max_epochs: 2}
                """, glyphs);
        Files.writeString(d("tiny.yaml"), tiny);
        String cache = d("cache").toString();
        ok("profile", d("tiny.yaml").toString(), "-o", d("p.json").toString(), "--cache", cache, "--bootstrap", "20", "-q");
        ok("recommend", d("tiny.yaml").toString(), "--profile", d("p.json").toString(), "-o", d("plan.yaml").toString(), "-q");
        ok("execute", d("plan.yaml").toString(), "-o", d("run").toString(), "--epochs", "1", "--cache", cache, "-q");
        Files.writeString(d("replace.yaml"), "someone's notes: recommend --force must not replace this\n");
        for (String ext : List.of(".yaml", ".audit.json", ".profile.json")) { // a recommendation of ours, which --force may replace
            Files.copy(d("plan" + ext), d("own" + ext));
        }

        // dataset files
        Files.write(d("latin1.yaml"), "version: 1\nname: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(d("empty.yaml"), "");
        Files.writeString(d("huge.yaml"), "# padding\n".repeat(500_000)); // 5 MB, over the 4 MB cap for YAML
        Files.writeString(d("list.yaml"), "- a\n- b\n");
        Files.writeString(d("broken.yaml"), "version: 1\ntrain: {format: folder, path: [\n");
        Files.writeString(d("dupkey.yaml"), tiny + "seed: 7\n");
        Files.writeString(d("notrain.yaml"), "version: 1\nname: x\nmodel: fmnist-cnn\n");
        Files.writeString(d("badsplit.yaml"), tiny.replace("split: {test: 0.25, validation: 0.15}", "split: {test: 0.6, validation: 0.5}"));
        Files.writeString(d("nodata.yaml"), tiny.replace(glyphs.toString(), d("nosuch-images").toString()));
        Files.writeString(d("badmodel.yaml"), tiny.replace("model: fmnist-cnn", "model: fmnist-cn"));
        Files.writeString(d("badzoo.yaml"), tiny.replace("model: fmnist-cnn", "model: zoo:resnet5"));
        mkfifo(d("fifo.yaml"));
        Files.writeString(d("fifoidx.yaml"), "version: 1\ntrain: {format: idx, images: fifo.yaml, labels: fifo.yaml}\nmodel: fmnist-cnn\n");

        // profiles: the real one, edited
        JsonNode p = Json.json().readTree(d("p.json").toFile());
        profile("p-otherdata.json", p, n -> n.put("datasetHash", "0".repeat(64)));
        profile("p-othermodel.json", p, n -> n.put("model", "zoo:resnet50"));
        profile("p-negative.json", p, n -> ((ObjectNode) n.get("size")).put("images", -5));
        profile("p-zeroclasses.json", p, n -> ((ObjectNode) n.get("size")).put("classes", 0));
        profile("p-zeroimages.json", p, n -> ((ObjectNode) n.get("size")).put("images", 0));
        profile("p-infinity.json", p, n -> n.put("similarity", "Infinity"));
        profile("p-nan.json", p, n -> ((ObjectNode) n.get("layers").get(0).get("logme")).put("value", "NaN"));
        profile("p-layer.json", p, n -> ((ObjectNode) n.get("layers").get(0)).put("layer", "fc9"));
        profile("p-duplayer.json", p, n -> ((ObjectNode) n.get("layers").get(1)).put("layer", n.get("layers").get(0).get("layer").asText()));
        profile("p-edited.json", p, n -> ((ObjectNode) n.get("size")).put("images", 9999));
        profile("p-typo.json", p, n -> n.set("sizes", n.remove("size")));
        profile("p-schema.json", p, n -> n.put("schemaVersion", 7));
        profile("p-renamed.json", p, n -> n.put("dataset", "renamed"));
        String pText = Files.readString(d("p.json"));
        Files.writeString(d("p-truncated.json"), pText.substring(0, pText.length() / 2));

        // plans and audits
        String plan = Files.readString(d("plan.yaml"));
        Files.writeString(d("stratgy.yaml"), plan.replace("\nstrategy:", "\nstratgy:"));
        Files.copy(d("plan.audit.json"), d("stratgy.audit.json"));
        Files.writeString(d("nested.yaml"), plan.replace("  maxEpochs:", "  maxEpoch:"));
        Files.writeString(d("badenum.yaml"), plan.replaceFirst("\nstrategy: [A-Z_]+", "\nstrategy: FINETUNE_ABOV"));
        Files.writeString(d("badlr.yaml"), plan.replaceFirst("headLearningRate: [0-9.eE-]+", "headLearningRate: 5"));
        Files.writeString(d("nomodels.yaml"), plan.replaceFirst("models:\n- fmnist-cnn", "models: []"));
        Files.writeString(d("schema9.yaml"), plan.replace("schemaVersion: 1", "schemaVersion: 9"));
        Files.writeString(d("badcycle.yaml"), plan.replaceFirst("\n  maxEpochs:", "\n  learningRateSchedule:\n    kind: ONE_CYCLE\n    epochs: 1\n    peak: 1.0\n  maxEpochs:"));
        Files.writeString(d("noaudit.yaml"), plan);
        String audit = Files.readString(d("plan.audit.json"));
        Files.writeString(d("cut.audit.json"), audit.substring(0, audit.length() / 3));
        for (String f : List.of("stratgy", "nested", "badenum", "badlr", "nomodels", "schema9", "badcycle")) {
            assertThat(Files.readString(d(f + ".yaml"))).as(f).isNotEqualTo(plan);
        }

        // rules folders
        Files.createDirectories(d("emptyrules"));
        Files.createDirectories(d("brokenrules"));
        evilRules("exitrules", "System.exit(0);");
        evilRules("writerules", "java.nio.file.Files.writeString(java.nio.file.Path.of(\"pwned\"), \"x\");");
        evilRules("looprules", "while (true) { }");
        Files.writeString(d("brokenrules").resolve("broken.drl"), "package rules;\nrule \"x\" when then oops( end\n");

        // images and runs
        Files.createDirectories(d("img"));
        Files.createDirectories(d("empty"));
        try (Stream<Path> s = Files.list(glyphs.resolve("A"))) {
            Files.copy(s.sorted().findFirst().orElseThrow(), d("img").resolve("a.png"));
        }
        Files.write(d("img").resolve("bad.png"), "this is not a PNG file at all".getBytes(StandardCharsets.UTF_8));
        // the tiny glyph set is TINY data, so the run is an ENSEMBLE of the model's plans: its first member's model.zip is broken
        String model = Files.exists(d("run").resolve("model.zip")) ? "model.zip" : "member-1/model.zip";
        copyTree(d("run"), d("corruptrun"));
        byte[] zip = Files.readAllBytes(d("run").resolve(model));
        Files.write(d("corruptrun").resolve(model), Arrays.copyOf(zip, zip.length / 3));
        copyTree(d("run"), d("nomodelrun"));
        Files.delete(d("nomodelrun").resolve(model));
    }

    /** A rules folder of one rule whose consequence (line 5) is the given code. */
    static void evilRules(String folder, String code) throws IOException {
        Files.createDirectories(d(folder));
        Files.writeString(d(folder).resolve("evil.drl"), "package io.transferadvisor.rules.drl;\nimport io.transferadvisor.rules.facts.*;\n"
                + "rule \"evil\" @id(\"evil\") @rationale(\"leaves the sandbox\")\nwhen DataFacts() then\n    " + code + "\nend\n");
    }

    static void ok(String... args) {
        CliTestSupport.Result r = CliTestSupport.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    }

    static void profile(String name, JsonNode base, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode n = base.deepCopy();
        edit.accept(n);
        Files.writeString(d(name), Json.json().writeValueAsString(n));
    }

    static void mkfifo(Path p) throws Exception {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(proc.waitFor()).as("mkfifo " + p).isZero();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    // ------------------------------------------------------------------ skipped images (item 6)

    @Test
    void profileSaysHowManyUnreadableImagesItSkippedAndRecordsTheCount(@TempDir Path tmp) throws Exception {
        Path glyphs = Path.of("examples", "glyphs", "labelled").toAbsolutePath().normalize();
        Path data = tmp.resolve("data");
        for (String letter : List.of("A", "B", "C")) {
            Files.createDirectories(data.resolve(letter));
            try (Stream<Path> s = Files.list(glyphs.resolve(letter))) {
                for (Path f : s.sorted().limit(12).toList()) {
                    Files.copy(f, data.resolve(letter).resolve(f.getFileName()));
                }
            }
        }
        Path bad = data.resolve("A").resolve("A_zzz.png");
        Files.write(bad, new byte[] {1, 2, 3});
        Path yaml = tmp.resolve("skip.yaml");
        Files.writeString(yaml, """
                version: 1
                train: {format: folder, path: data}
                split: {test: 0.25, validation: 0.15}
                model: fmnist-cnn
                """);
        Path out = tmp.resolve("skip.json");
        var r = CliTestSupport.run("profile", yaml.toString(), "-o", out.toString(), "--cache", tmp.resolve("cache").toString(),
                "--bootstrap", "20", "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("skipped 1 unreadable image (first: " + bad + ")");
        DatasetProfile p = ProfileIO.read(out);
        assertThat(p.sampling().skippedImages()).isEqualTo(1);
        assertThat(p.size().images()).isEqualTo(36);

        // run says it too, and records it in the run's metrics (one tiny epoch)
        Path run = tmp.resolve("run");
        var r2 = CliTestSupport.run("run", yaml.toString(), "-o", run.toString(), "--epochs", "1", "--cache", tmp.resolve("cache").toString(), "-q");
        assertThat(r2.exitCode()).as(r2.err()).isZero();
        assertThat(r2.err()).contains("skipped 1 unreadable image (first: " + bad + ")");
        JsonNode notes = Json.json().readTree(run.resolve("metrics.json").toFile()).get("notes");
        assertThat(notes.toString()).contains("skipped 1 unreadable image");
    }
}
