package io.transferadvisor.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.ForallDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.kie.internal.builder.KnowledgeBuilderError;

/**
 * The rule base's trust boundary (rules/README.md, "Trust boundary"), checked on the parsed DRL
 * before Drools compiles anything (compiling already runs code: Drools evaluates annotation values
 * with MVEL). A rule may only match facts with constraints that read, compare and compute values,
 * and insert / insertLogical / update / retract facts of io.transferadvisor.rules.facts; everything
 * else (other calls, loops, functions, globals, eval, from / accumulate, dynamic attributes) is refused.
 */
final class RuleSandbox {
    private RuleSandbox() {}

    /** Turns a line of the checked DRL (and the rule's name, or null) into "FILE:LINE" for messages. */
    interface Locator {
        String at(int line, String rule);
    }

    static final String ONLY = "rules may only match facts, compute values and insert, insertLogical, update or retract"
            + " facts of " + AllowedApi.FACTS + " (rules/README.md, Trust boundary)";

    private static final Set<String> ATTRIBUTES = Set.of("salience", "no-loop", "lock-on-active", "auto-focus",
            "agenda-group", "activation-group", "ruleflow-group", "dialect");
    private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?|true|false");
    private static final Pattern BINDING = Pattern.compile("^\\s*([A-Za-z_$][\\w$]*)\\s*:=?\\s*");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern DROOLS_OPERATOR = Pattern.compile(
            "\\b(?:not\\s+)?(?:contains|memberOf|matches|soundslike|excludes|str\\[\\w+])(?=\\s)");

    /**
     * Parses one DRL text with Drools' own parser and checks every rule in it.
     *
     * @throws RulesException {@code FILE:LINE: rule "NAME": <what> is not allowed in a rule; rules may only ...},
     *     or the parser's first error
     */
    static void check(String drl, Locator where) {
        DrlParser parser = new DrlParser();
        PackageDescr pkg;
        try {
            pkg = parser.parse(false, drl);
        } catch (DroolsParserException e) {
            throw new RulesException(where.at(1, null) + ": does not parse: " + RuleBase.oneLine(e.getMessage()), e);
        }
        if (parser.hasErrors() || pkg == null) {
            List<KnowledgeBuilderError> errors = List.copyOf(parser.getErrors());
            KnowledgeBuilderError first = errors.isEmpty() ? null : errors.get(0);
            int line = first == null || first.getLines().length == 0 ? 1 : Math.max(1, first.getLines()[0]);
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more error(s))" : "";
            throw new RulesException(where.at(line, null) + ": " + (first == null ? "does not parse" : RuleBase.oneLine(first.getMessage()))
                    + more + "; fix the rule and rerun 'advisor rules check'");
        }
        String shadowed = AllowedApi.shadowedIn(pkg.getName());
        if (shadowed != null) {
            throw refused(where, Math.max(1, pkg.getLine()), null, "the package " + pkg.getName() + " (its class " + shadowed
                    + " would stand in for " + AllowedApi.resolve(shadowed).getName() + "; use package io.transferadvisor.rules.drl)");
        }
        for (ImportDescr i : pkg.getImports()) {
            String t = i.getTarget();
            boolean ok = t.startsWith(AllowedApi.FACTS + ".") && t.indexOf('.', AllowedApi.FACTS.length() + 1) < 0
                    || t.equals(AllowedApi.PLAN + ".*")
                    || (t.startsWith(AllowedApi.PLAN + ".") && AllowedApi.resolve(t) != null)
                    || (t.startsWith("java.") && AllowedApi.resolve(t) != null);
            if (!ok) {
                throw refused(where, i.getLine(), null, "import " + t);
            }
        }
        if (!pkg.getFunctionImports().isEmpty()) {
            throw refused(where, pkg.getFunctionImports().get(0).getLine(), null, "import function " + pkg.getFunctionImports().get(0).getTarget());
        }
        if (!pkg.getAccumulateImports().isEmpty()) {
            throw refused(where, pkg.getAccumulateImports().get(0).getLine(), null, "import accumulate");
        }
        if (!pkg.getFunctions().isEmpty()) {
            throw refused(where, pkg.getFunctions().get(0).getLine(), null, "a function (function " + pkg.getFunctions().get(0).getName() + ")");
        }
        if (!pkg.getGlobals().isEmpty()) {
            throw refused(where, pkg.getGlobals().get(0).getLine(), null, "a global (global " + pkg.getGlobals().get(0).getIdentifier() + ")");
        }
        if (!pkg.getClassAndEnumDeclarationDescrs().isEmpty()) {
            var d = pkg.getClassAndEnumDeclarationDescrs().get(0);
            throw refused(where, d.getLine(), null, "a type declaration (declare " + d.getTypeName() + ")");
        }
        if (!pkg.getEntryPointDeclarations().isEmpty() || !pkg.getWindowDeclarations().isEmpty()) {
            throw refused(where, 1, null, "an entry-point or window declaration");
        }
        for (AttributeDescr a : pkg.getAttributes()) {
            attribute(where, null, a);
        }
        for (RuleDescr r : pkg.getRules()) {
            rule(drl, where, r);
        }
    }

    private static void rule(String drl, Locator where, RuleDescr r) {
        String name = r.getName();
        for (AttributeDescr a : r.getAttributes().values()) {
            attribute(where, name, a);
        }
        for (String an : r.getAnnotationNames()) {
            AnnotationDescr ad = r.getAnnotation(an);
            for (Map.Entry<String, Object> v : ad.getValueMap().entrySet()) {
                String value = String.valueOf(v.getValue()).strip();
                if (!LITERAL.matcher(value).matches() || value.contains("\\u")) {
                    throw refused(where, ad.getLine() > 0 ? ad.getLine() : r.getLine(), name,
                            "a computed annotation @" + an + "(" + CodeWhitelist.shorten(value) + ") (Drools evaluates annotation values: use a literal)");
                }
            }
        }
        Set<String> bindings = new HashSet<>();
        collectBindings(r.getLhs(), bindings);
        lhs(where, name, r.getLhs(), bindings);
        if (r.getConsequence() != null) {
            consequence(drl, where, r, String.valueOf(r.getConsequence()), bindings);
        }
        for (Object named : r.getNamedConsequences().values()) {
            consequence(drl, where, r, String.valueOf(named), bindings);
        }
    }

    private static void attribute(Locator where, String rule, AttributeDescr a) {
        String name = a.getName();
        if (!ATTRIBUTES.contains(name)) {
            throw refused(where, a.getLine(), rule, "the attribute '" + name + "'");
        }
        if (name.equals("salience") && !a.getValue().strip().matches("-?\\d+")) {
            throw refused(where, a.getLine(), rule, "a computed salience (" + CodeWhitelist.shorten(a.getValue()) + "); use a number");
        }
    }

    private static void collectBindings(BaseDescr d, Set<String> out) {
        if (d instanceof PatternDescr p) {
            if (p.getIdentifier() != null) {
                out.add(p.getIdentifier());
            }
            for (BaseDescr c : p.getDescrs()) {
                if (c instanceof ExprConstraintDescr e) {
                    Matcher m = BINDING.matcher(e.getExpression());
                    if (m.find()) {
                        out.add(m.group(1));
                    }
                } else if (c instanceof BindingDescr b) {
                    out.add(b.getVariable());
                }
            }
        } else if (d instanceof ConditionalElementDescr ce) {
            for (Object c : ce.getDescrs()) {
                collectBindings((BaseDescr) c, out);
            }
        }
    }

    private static void lhs(Locator where, String rule, BaseDescr d, Set<String> bindings) {
        if (d instanceof PatternDescr p) {
            if (p.getSource() != null) {
                String kind = p.getSource().getClass().getSimpleName().replace("Descr", "").toLowerCase(java.util.Locale.ROOT);
                throw refused(where, p.getLine(), rule, "a pattern source ('" + kind + "' on " + p.getObjectType() + ")");
            }
            Class<?> type = AllowedApi.resolve(p.getObjectType());
            if (type != null ? !AllowedApi.isFact(type) : AllowedApi.exists(p.getObjectType())) {
                throw refused(where, p.getLine(), rule, "matching " + p.getObjectType() + " objects");
            }
            for (BaseDescr c : p.getDescrs()) {
                constraint(where, rule, c, bindings);
            }
        } else if (d instanceof ConditionalElementDescr ce && (d instanceof org.drools.drl.ast.descr.AndDescr
                || d instanceof org.drools.drl.ast.descr.OrDescr || d instanceof org.drools.drl.ast.descr.NotDescr
                || d instanceof org.drools.drl.ast.descr.ExistsDescr || d instanceof ForallDescr)) {
            for (Object c : ce.getDescrs()) {
                lhs(where, rule, (BaseDescr) c, bindings);
            }
        } else {
            String kind = d.getClass().getSimpleName().replace("Descr", "").toLowerCase(java.util.Locale.ROOT);
            throw refused(where, d.getLine(), rule, "'" + kind + "' in a condition" + (kind.equals("eval") ? " (eval(...))" : ""));
        }
    }

    private static void constraint(Locator where, String rule, BaseDescr c, Set<String> bindings) {
        String text;
        if (c instanceof ExprConstraintDescr e) {
            text = e.getExpression();
        } else if (c instanceof BindingDescr b) {
            text = b.getExpression();
        } else {
            throw refused(where, c.getLine(), rule, "the constraint " + CodeWhitelist.shorten(c.getText()));
        }
        Matcher m = BINDING.matcher(text);
        String expr = m.find() ? text.substring(m.end()) : text;
        if (expr.isBlank()) {
            return;
        }
        try {
            CodeWhitelist.checkConstraint(javaSyntax(expr), bindings);
        } catch (CodeWhitelist.Refused x) {
            throw refused(where, Math.max(1, c.getLine()) + x.line - 1, rule, x.what + " in a condition");
        }
    }

    /** Drools-only constraint syntax that JavaParser cannot read, rewritten so its operands still get checked. */
    static String javaSyntax(String constraint) {
        StringBuilder out = new StringBuilder();
        Matcher s = STRING.matcher(constraint);
        int at = 0;
        while (s.find()) {
            out.append(rewrite(constraint.substring(at, s.start()))).append(s.group());
            at = s.end();
        }
        return out.append(rewrite(constraint.substring(at))).toString();
    }

    private static String rewrite(String code) {
        return DROOLS_OPERATOR.matcher(code.replace("!.", ".")).replaceAll("==");
    }

    private static void consequence(String drl, Locator where, RuleDescr r, String code, Set<String> bindings) {
        if (code.isBlank()) {
            return;
        }
        try {
            CodeWhitelist.checkConsequence(code, bindings);
        } catch (CodeWhitelist.Refused x) {
            throw refused(where, startLine(drl, r, code) + x.line - 1, r.getName(), x.what);
        }
    }

    /** The DRL line the consequence's first line is on: its text searched from the `then` line on. */
    static int startLine(String drl, RuleDescr r, String code) {
        String first = code.strip().lines().findFirst().orElse("").strip();
        int from = 0;
        for (int line = 1; line < Math.max(1, r.getConsequenceLine()) && from >= 0; line++) {
            from = drl.indexOf('\n', from) + 1;
        }
        int idx = first.isEmpty() || from < 0 ? -1 : drl.indexOf(first, from);
        if (idx < 0) {
            return Math.max(1, r.getConsequenceLine());
        }
        return (int) drl.substring(0, idx).chars().filter(ch -> ch == '\n').count() + 1;
    }

    private static RulesException refused(Locator where, int line, String rule, String what) {
        String who = rule == null ? "" : "rule \"" + rule + "\": ";
        return new RulesException(where.at(Math.max(1, line), rule) + ": " + who + what + " is not allowed in a rule; " + ONLY);
    }
}
