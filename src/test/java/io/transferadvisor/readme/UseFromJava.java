import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.pipeline.Advisor;
import io.transferadvisor.rules.Recommender;
import java.nio.file.Path;
import java.util.Locale;

/** What `advisor run` does, one step per call: java UseFromJava dataset.yaml runs/from-java */
public class UseFromJava {
    public static void main(String[] args) {
        Advisor advisor = new Advisor(Advisor.Settings.defaults().withProgress(System.err));

        Advisor.Profiled data = advisor.profile(Path.of(args[0]));      // load once, probe each model
        System.out.printf(Locale.ROOT, "similarity %.3f%n", data.profiles().get(0).similarity());

        Recommender.Recommendation rec = advisor.recommend(data);       // plan + audit from the rules in rules/
        System.out.println("plan: " + Recommender.signature(rec.plan()));
        rec.audit().reasons().forEach(reason -> System.out.println("  because " + reason));

        RunResult run = advisor.execute(rec, data, ExecuteOptions.defaults().withOutput(Path.of(args[1])));
        System.out.printf(Locale.ROOT, "test accuracy %.4f; report %s%n", run.metrics().test().accuracy(), run.runDir().resolve("report.html"));
    }
}
