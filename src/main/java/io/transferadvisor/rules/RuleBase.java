package io.transferadvisor.rules;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.GroupElement;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.base.rule.constraint.Constraint;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.drools.mvel.MVELConstraint;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.ReleaseId;
import org.kie.api.builder.Message;
import org.kie.api.builder.Results;
import org.kie.api.definition.rule.Rule;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.io.ResourceType;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.Match;

/**
 * The rule base: every *.drl and decision table (*.drl.csv, *.drl.xlsx, *.drl.xls) of a folder on disk, compiled into a KieBase.
 * Immutable once loaded; {@link #evaluate} opens a fresh session per call, so one RuleBase can
 * serve many evaluations (and threads).
 * <p>
 * Why over 400 lines: loading (the trust-boundary check, decision-table twins, thresholds, the
 * compile with its errors mapped to file and line) and evaluating (the session, the time limit,
 * the firing record) share the compiled state and its hash; the checks themselves already live in
 * RuleSandbox, CodeWhitelist, AllowedApi, DecisionTables and Thresholds.
 */
public final class RuleBase {
    /** Firing limit: a rule base that has not settled by then re-fires on its own output. */
    static final int MAX_FIRINGS = 20_000;

    /** Where rule files go inside the in-memory KieModule (the file name is what errors report). */
    private static final String RESOURCES = "src/main/resources/io/transferadvisor/rules/drl/";

    /** What the audit and `rules check` need to know about one rule. */
    public record RuleInfo(String id, String name, String file, String rationale, List<String> conditions) {}

    /** One rule firing, with the raw matched objects and bindings (converted for the audit later). */
    public record RawFiring(int seq, RuleInfo rule, List<Object> matched, Map<String, Object> bindings, List<Object> inserted) {}

    /** What one evaluation produced: every fact in the session at the end, and the firings in order. */
    public record Evaluation(List<Object> facts, List<RawFiring> firings) {
        public <T> List<T> all(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (Object f : facts) {
                if (type.isInstance(f)) {
                    out.add(type.cast(f));
                }
            }
            return out;
        }
    }

    private final Path dir;
    private final KieBase kieBase;
    private final String hash;
    private final List<String> files;
    private final Map<String, RuleInfo> byName;
    /** Wall-clock limit of one {@link #evaluate} (RuleTimer). */
    private final Duration timeout;
    /** rules/thresholds.csv, inserted into every session before the caller's facts. */
    private final List<Thresholds.Row> thresholds;
    /** Read back from the compiled rule bases under the cache (CompiledRules) rather than compiled by this load. */
    private final boolean readBack;

    private RuleBase(Path dir, KieBase kieBase, String hash, List<String> files, Map<String, RuleInfo> byName, Duration timeout,
                     List<Thresholds.Row> thresholds, boolean readBack) {
        this.dir = dir;
        this.kieBase = kieBase;
        this.hash = hash;
        this.files = files;
        this.byName = byName;
        this.timeout = timeout;
        this.thresholds = thresholds;
        this.readBack = readBack;
    }

    /** The same rules with another evaluation time limit (tests). */
    RuleBase withTimeout(Duration limit) {
        return new RuleBase(dir, kieBase, hash, files, byName, limit, thresholds, readBack);
    }

    /** The named thresholds the rules compare against (rules/thresholds.csv), in file order. */
    public List<Thresholds.Row> thresholds() {
        return thresholds;
    }

    /** The value of a named threshold; a RulesException naming the table when there is none. */
    public double threshold(String name) {
        return thresholds.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new RulesException(Thresholds.FILE + ": no threshold named " + name)).value();
    }

    /** The value of a named threshold, or {@code fallback} when these rules have none (a rule base being judged may predate it). */
    public double thresholdOr(String name, double fallback) {
        return thresholds.stream().filter(t -> t.name().equals(name)).mapToDouble(Thresholds.Row::value).findFirst().orElse(fallback);
    }

    /** Whether this rule base was read back from the cache of compiled rule bases instead of compiled. */
    public boolean readBack() {
        return readBack;
    }

    public Path dir() {
        return dir;
    }

    /** SHA-256 over the rule files' names and contents, in name order. */
    public String hash() {
        return hash;
    }

    public List<String> files() {
        return files;
    }

    /** Every rule, in file and source order. */
    public List<RuleInfo> rules() {
        return List.copyOf(byName.values());
    }

    /**
     * Compiles the folder.
     *
     * @throws RulesException {@code file:line: message} for the first compile error (all are
     *     counted), for a rule outside the trust boundary (RuleSandbox, checked before anything is
     *     compiled), or for a missing folder, a mis-named decision table, a rule without @id or @rationale
     */
    public static RuleBase load(Path dir) {
        return load(dir, true, null);
    }

    /**
     * As {@link #load(Path)}, through the compiled rule bases kept under {@code cache} (CompiledRules): a folder whose
     * files, this tool and Drools are unchanged since a load that passed every check is read back instead of compiled
     * (the ~1.5 s compile of a cold `recommend` becomes ~0.4 s), and a compile is stored for the next run. A null cache, or
     * ADVISOR_RULES_CACHE=0 in the environment, compiles.
     */
    public static RuleBase load(Path dir, Path cache) {
        return load(dir, true, "0".equals(System.getenv("ADVISOR_RULES_CACHE")) ? null : cache);
    }

    /** Without the sandbox check: only for tests of what the other safeguards (the time limit) catch. */
    static RuleBase loadUnchecked(Path dir) {
        return load(dir, false, null);
    }

    private static RuleBase load(Path dir, boolean sandbox, Path cache) {
        Duration timeout = RuleTimer.configured();
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> listing = RuleFiles.listing(abs);
        List<RuleFiles.RuleFile> ruleFiles = RuleFiles.read(abs, listing);
        String thresholdsText = Thresholds.text(abs);
        List<Thresholds.Row> thresholds = thresholdsText == null ? List.of() : Thresholds.parse(thresholdsText, Thresholds.FILE);
        checkThresholdUse(ruleFiles, thresholds);
        String cacheKey = cache == null || !sandbox ? null : CompiledRules.key(listing);
        KieBase cached = cacheKey == null ? null : CompiledRules.read(cache, cacheKey);
        if (cached != null) {
            return described(abs, cached, ruleFiles, thresholdsText, thresholds, timeout, true); // these bytes passed every check below when stored
        }
        // Spreadsheet twins of a CSV table are compared cell by cell on another worker (POI's start-up
        // took ~0.45 s of a cold `recommend` on the critical path); a difference is reported below.
        java.util.Set<Path> twins = DecisionTables.twins(listing);
        Future<?> twinCheck = twins.isEmpty() ? null : RuleTimer.background(() -> {
            DecisionTables.verify(twins);
            return null;
        });
        // The sandbox runs before anything is compiled (compiling evaluates annotations), on a worker
        // thread while Drools starts up and the decision tables are generated: its parser warm-up is
        // then off the critical path of a cold `recommend`.
        Future<?> checking = sandbox ? RuleTimer.background(() -> {
            for (RuleFiles.RuleFile f : ruleFiles) {
                if (!f.table()) {
                    RuleSandbox.check(f.text(), (line, rule) -> f.name() + ":" + line);
                }
            }
            return null;
        }) : null;
        KieServices ks;
        KieFileSystem kfs;
        ReleaseId releaseId;
        Map<String, String> generatedDrl = new LinkedHashMap<>();
        Map<String, List<String>> csvLines = new LinkedHashMap<>();
        try {
            ks = KieServices.Factory.get();
            kfs = ks.newKieFileSystem();
            releaseId = ks.newReleaseId("io.transferadvisor.rules", "rules-" + java.util.UUID.randomUUID(), "1.0.0");
            kfs.generateAndWritePomXML(releaseId);
            for (RuleFiles.RuleFile f : ruleFiles) {
                String name = f.name();
                if (!f.table()) {
                    kfs.write(RESOURCES + name, ks.getResources().newByteArrayResource(f.bytes()).setResourceType(ResourceType.DRL));
                    continue;
                }
                String generated;
                try {
                    generated = new SpreadsheetCompiler().compile(new ByteArrayInputStream(f.bytes()), DecisionTables.inputType(name));
                } catch (RuntimeException e) {
                    throw new RulesException(name + ":1: decision table does not parse: " + oneLine(e.getMessage()), e);
                }
                generatedDrl.put(name, generated);
                List<String> rows = DecisionTables.cells(name, f.bytes()).stream().map(r -> String.join(",", r)).toList();
                csvLines.put(name, rows);
                if (sandbox) {
                    RuleSandbox.check(generated, (line, rule) -> RuleFiles.csvRow(name, rule != null ? rule : RuleFiles.ruleAt(generated, line), rows));
                }
                kfs.write(RESOURCES + name + ".generated.drl", ks.getResources()
                        .newByteArrayResource(generated.getBytes(StandardCharsets.UTF_8)).setResourceType(ResourceType.DRL));
            }
        } catch (RuntimeException e) {
            awaitSandbox(checking); // a refused *.drl file is reported first, whatever else failed
            throw e;
        }
        awaitSandbox(checking);
        awaitSandbox(twinCheck);
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
        Results results = builder.getResults();
        List<Message> errors = results.getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            Message m = errors.get(0);
            String where = location(m, generatedDrl, csvLines);
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more error(s))" : "";
            throw new RulesException(where + ": " + oneLine(m.getText()) + more + "; fix the rule and rerun 'advisor rules check'");
        }
        KieBase kb;
        try {
            kb = ks.newKieContainer(releaseId).getKieBase();
            ks.getRepository().removeKieModule(releaseId);
        } catch (RuntimeException e) {
            throw new RulesException("rules in " + abs + " do not build: " + oneLine(e.getMessage()), e);
        }
        RuleBase loaded = described(abs, kb, ruleFiles, thresholdsText, thresholds, timeout, false);
        if (cacheKey != null) {
            CompiledRules.write(cache, cacheKey, kb);
        }
        return loaded;
    }

    /** The rule base around a compiled (or read back) KieBase: every rule's id, rationale, file and conditions, checked. */
    private static RuleBase described(Path abs, KieBase kb, List<RuleFiles.RuleFile> ruleFiles, String thresholdsText,
                                      List<Thresholds.Row> thresholds, Duration timeout, boolean readBack) {
        List<String> names = ruleFiles.stream().map(RuleFiles.RuleFile::name).toList();
        Map<String, RuleInfo> infos = new LinkedHashMap<>();
        Map<String, String> idToName = new LinkedHashMap<>();
        List<Rule> all = new ArrayList<>();
        kb.getKiePackages().forEach(pk -> all.addAll(pk.getRules()));
        for (Rule r : all) {
            RuleImpl impl = (RuleImpl) r;
            String file = fileOf(impl);
            Object id = r.getMetaData().get("id");
            Object rationale = r.getMetaData().get("rationale");
            if (id == null || String.valueOf(id).isBlank()) {
                throw new RulesException(file + ": rule \"" + r.getName() + "\" has no @id(...); every rule needs @id and @rationale for the audit");
            }
            if (rationale == null || String.valueOf(rationale).isBlank()) {
                throw new RulesException(file + ": rule \"" + r.getName() + "\" has no @rationale(...); every rule needs @id and @rationale for the audit");
            }
            String previous = idToName.put(String.valueOf(id), r.getName());
            if (previous != null) {
                throw new RulesException(file + ": rule id '" + id + "' used by both \"" + previous + "\" and \"" + r.getName() + "\"; ids must be unique");
            }
            infos.put(r.getName(), new RuleInfo(String.valueOf(id), r.getName(), file, String.valueOf(rationale),
                    conditions(impl.getLhs())));
        }
        Map<String, RuleInfo> ordered = new LinkedHashMap<>();
        infos.values().stream()
                .sorted(java.util.Comparator.comparingInt((RuleInfo i) -> names.indexOf(i.file())).thenComparing(RuleInfo::id))
                .forEach(i -> ordered.put(i.name(), i));
        return new RuleBase(abs, kb, RuleFiles.hash(withTable(thresholdsText, ruleFiles)), names, Collections.unmodifiableMap(ordered), timeout, thresholds, readBack);
    }

    /** The rule files plus the thresholds table, for the rules hash: changing a threshold changes the rules. */
    private static List<RuleFiles.RuleFile> withTable(String thresholdsText, List<RuleFiles.RuleFile> ruleFiles) {
        if (thresholdsText == null) {
            return ruleFiles;
        }
        List<RuleFiles.RuleFile> all = new ArrayList<>(ruleFiles);
        all.add(new RuleFiles.RuleFile(Thresholds.FILE, thresholdsText.getBytes(StandardCharsets.UTF_8)));
        return all;
    }

    /** Every threshold a rule names is in the table (that every row is used is ThresholdsTest's, on the shipped rules). */
    private static void checkThresholdUse(List<RuleFiles.RuleFile> ruleFiles, List<Thresholds.Row> thresholds) {
        java.util.Set<String> defined = new java.util.LinkedHashSet<>();
        thresholds.forEach(t -> defined.add(t.name()));
        for (RuleFiles.RuleFile f : ruleFiles) {
            String text = new String(f.bytes(), StandardCharsets.UTF_8);
            for (String n : Thresholds.used(text)) {
                if (!defined.contains(n)) {
                    throw new RulesException(f.name() + ": compares against threshold \"" + n + "\", which " + Thresholds.FILE
                            + " does not define" + io.transferadvisor.util.Suggest.didYouMean(n, defined) + "; add a row for it");
                }
            }
        }
    }

    /**
     * A bare session over the compiled rules, for tests that drive the engine step by step
     * (insert, modify, retract observed facts and watch truth maintenance follow), with the thresholds
     * already inserted. The caller disposes it.
     */
    KieSession newSession() {
        KieSession session = kieBase.newKieSession();
        thresholdFacts().forEach(session::insert); // part of the rule base, like in evaluate()
        return session;
    }

    /**
     * Runs the rules over the given facts in a fresh session and records every firing in order.
     * The rules run on a daemon worker thread within the time limit ({@link RuleTimer}).
     *
     * @throws RulesException when a consequence throws, the rules re-fire on their own output, or
     *     they do not finish within the limit (the session is halted)
     */
    public Evaluation evaluate(Collection<?> facts) {
        KieSession session = kieBase.newKieSession();
        AtomicReference<String> current = new AtomicReference<>("none");
        return RuleTimer.run(() -> fire(session, facts, current), timeout, session::halt, current::get);
    }

    private Evaluation fire(KieSession session, Collection<?> facts, AtomicReference<String> current) {
        List<RawFiring> firings = new ArrayList<>();
        List<Object> pending = new ArrayList<>();
        try {
            session.addEventListener(new DefaultRuleRuntimeEventListener() {
                @Override
                public void objectInserted(ObjectInsertedEvent event) {
                    if (event.getRule() != null) {
                        pending.add(event.getObject());
                    }
                }
            });
            session.addEventListener(new DefaultAgendaEventListener() {
                @Override
                public void beforeMatchFired(BeforeMatchFiredEvent event) {
                    RuleInfo info = byName.get(event.getMatch().getRule().getName());
                    current.set(info == null ? event.getMatch().getRule().getName() : info.id());
                }

                @Override
                public void afterMatchFired(AfterMatchFiredEvent event) {
                    Match m = event.getMatch();
                    RuleInfo info = byName.get(m.getRule().getName());
                    Map<String, Object> bindings = new LinkedHashMap<>();
                    for (String d : m.getDeclarationIds()) {
                        bindings.put(d, m.getDeclarationValue(d));
                    }
                    List<Object> matched = new ArrayList<>();
                    for (Object o : m.getObjects()) {
                        if (o != null && !o.getClass().getName().startsWith("org.drools.")) {
                            matched.add(o);
                        }
                    }
                    firings.add(new RawFiring(firings.size() + 1, info, List.copyOf(matched), bindings, List.copyOf(pending)));
                    pending.clear();
                }
            });
            List<Object> inputs = new ArrayList<>(thresholdFacts());
            inputs.addAll(facts);
            for (Object f : inputs) {
                session.insert(f);
            }
            int fired;
            try {
                fired = session.fireAllRules(MAX_FIRINGS);
            } catch (RuntimeException e) {
                throw new RulesException("a rule failed while running: " + oneLine(String.valueOf(e.getMessage()))
                        + "; fix its consequence (rules only insert facts)", e);
            }
            if (fired >= MAX_FIRINGS) {
                throw new RulesException("rules did not settle after " + MAX_FIRINGS + " firings; a rule re-fires on its own output (last: "
                        + firings.get(firings.size() - 1).rule().id() + ")");
            }
            return new Evaluation(inInsertionOrder(session.getObjects(), inputs, firings), List.copyOf(firings));
        } finally {
            session.dispose();
        }
    }

    /**
     * The session's facts in the order they came in: the inputs (the thresholds, then the caller's facts), then what each firing inserted, in firing
     * order. The session's own store iterates by identity hash, so its order changed from run to run (two RejectedModel facts of a
     * three-model selection swapped places in the audit's rejected list); anything still held that none of these names (none today)
     * follows in the store's order.
     */
    private static List<Object> inInsertionOrder(Collection<?> held, List<Object> inputs, List<RawFiring> firings) {
        java.util.Set<Object> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        live.addAll(held);
        java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Object> out = new ArrayList<>(live.size());
        java.util.function.Consumer<Object> take = o -> {
            if (live.contains(o) && seen.add(o)) {
                out.add(o);
            }
        };
        inputs.forEach(take);
        firings.forEach(f -> f.inserted().forEach(take));
        held.forEach(take);
        return List.copyOf(out);
    }

    /** rules/thresholds.csv as facts, inserted into every session before anything else. */
    private List<Object> thresholdFacts() {
        return thresholds.stream().<Object>map(Thresholds.Row::fact).toList();
    }

    /** Waits for the sandbox check and rethrows its refusal. */
    private static void awaitSandbox(Future<?> checking) {
        if (checking == null) {
            return;
        }
        try {
            checking.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new RulesException("the rule sandbox failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            checking.cancel(true);
            Thread.currentThread().interrupt();
            throw new RulesException("interrupted while checking the rules", e);
        }
    }

    private static String fileOf(RuleImpl r) {
        String p = r.getResource() == null ? null : r.getResource().getSourcePath();
        if (p == null) {
            return "?";
        }
        String name = Path.of(p).getFileName().toString();
        return name.endsWith(".generated.drl") ? name.substring(0, name.length() - ".generated.drl".length()) : name;
    }

    /** Human-readable conditions of a rule: "DataFacts(trainPerClass < 20)", "not LowShiftLayer(top == false)". */
    static List<String> conditions(GroupElement lhs) {
        List<String> out = new ArrayList<>();
        collect(lhs, "", out);
        return List.copyOf(out);
    }

    private static void collect(RuleConditionElement e, String prefix, List<String> out) {
        if (e instanceof GroupElement g) {
            String p = g.isNot() ? prefix + "not " : g.isExists() ? prefix + "exists " : prefix;
            for (RuleConditionElement c : g.getChildren()) {
                collect(c, p, out);
            }
        } else if (e instanceof Pattern pat) {
            String type = pat.getObjectType().getClassName();
            type = type.substring(type.lastIndexOf('.') + 1).replace('$', '.');
            List<String> cs = new ArrayList<>();
            for (Constraint c : pat.getConstraints()) {
                cs.add(c instanceof MVELConstraint mc ? mc.getExpression() : c.toString());
            }
            out.add(prefix + type + "(" + String.join(", ", cs) + ")");
        }
    }

    private static String location(Message m, Map<String, String> generatedDrl, Map<String, List<String>> csvLines) {
        String path = m.getPath() == null ? "?" : Path.of(m.getPath()).getFileName().toString();
        int line = Math.max(1, m.getLine());
        if (path.endsWith(".generated.drl")) {
            String csv = path.substring(0, path.length() - ".generated.drl".length());
            return RuleFiles.csvRow(csv, RuleFiles.ruleAt(generatedDrl.get(csv), m.getLine()), csvLines.getOrDefault(csv, List.of()));
        }
        return path + ":" + line;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").replaceAll("\\s+", " ").trim();
    }
}
