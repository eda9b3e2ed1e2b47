package io.transferadvisor.rules;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.InstanceOfExpr;
import com.github.javaparser.ast.expr.LiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.EmptyStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.type.Type;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the code of one rule (consequence statements or a constraint expression), parsed as Java
 * with JavaParser, against a whitelist: what is not listed here is refused. {@link AllowedApi}
 * holds the classes and members a rule may name.
 */
final class CodeWhitelist {
    /** What was refused, and its 1-based line within the checked code. */
    static final class Refused extends Exception {
        final String what;
        final int line;

        Refused(String what, int line) {
            super(what, null, false, false);
            this.what = what;
            this.line = line;
        }
    }

    /** The Drools calls that change working memory: the only effects a rule may have. */
    static final Set<String> WORKING_MEMORY = Set.of("insert", "insertLogical", "update", "modify", "retract", "delete");

    private static final int SHOWN = 60;
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u+[0-9A-Fa-f]{0,4}");
    private static final ParserConfiguration JAVA_17 = new ParserConfiguration()
            .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);

    private final boolean consequence;
    /** Bound variables of the rule ($x: ...), plus the consequence's local variables. */
    private final Set<String> variables;
    private final Set<String> locals = new HashSet<>();

    private CodeWhitelist(boolean consequence, Set<String> bindings) {
        this.consequence = consequence;
        this.variables = new HashSet<>(bindings);
    }

    /** A consequence: statements; `modify(x) { ... }` blocks are not accepted (facts are immutable records). */
    static void checkConsequence(String code, Set<String> bindings) throws Refused {
        String text = code.strip();
        refuseUnicodeEscapes(text);
        ParseResult<BlockStmt> r = parseBlock(text);
        if (!r.isSuccessful() && !text.endsWith(";") && !text.endsWith("}")) {
            r = parseBlock(text + ";"); // MVEL lets the last statement go without a semicolon
        }
        if (!r.isSuccessful() || r.getResult().isEmpty()) {
            throw new Refused("consequence code that is not Java (" + problem(r) + "; MVEL-only syntax such as modify blocks,"
                    + " inline lists or 'with' cannot be checked)", problemLine(r));
        }
        CodeWhitelist w = new CodeWhitelist(true, bindings);
        BlockStmt block = r.getResult().get();
        block.findAll(VariableDeclarator.class).forEach(v -> w.locals.add(v.getNameAsString()));
        w.variables.addAll(w.locals);
        w.statement(block);
    }

    /** A pattern constraint (the binding prefix `$x:` already removed). */
    static void checkConstraint(String expression, Set<String> bindings) throws Refused {
        refuseUnicodeEscapes(expression);
        ParseResult<Expression> r = new JavaParser(JAVA_17).parseExpression(expression);
        if (!r.isSuccessful() || r.getResult().isEmpty()) {
            throw new Refused("the constraint '" + shorten(expression) + "' (not a Java expression: " + problem(r)
                    + "; Drools-only syntax such as 'in (...)' or '> 1 && < 5' cannot be checked)", problemLine(r));
        }
        new CodeWhitelist(false, bindings).expression(r.getResult().get());
    }

    /**
     * javac and Drools' Java dialect translate unicode escapes before they read the code, so
     * a line comment holding the escape of a newline and then System.exit(0) is a comment to a
     * parser and a call to the compiler: refused.
     */
    static void refuseUnicodeEscapes(String code) throws Refused {
        Matcher m = UNICODE_ESCAPE.matcher(code);
        if (m.find()) {
            int line = (int) code.substring(0, m.start()).chars().filter(ch -> ch == '\n').count() + 1;
            throw new Refused("a unicode escape (" + m.group() + "; the Java compiler reads it as code: write the character itself)", line);
        }
    }

    private static ParseResult<BlockStmt> parseBlock(String code) {
        return new JavaParser(JAVA_17).parseBlock("{" + code + "\n}");
    }

    private static String problem(ParseResult<?> r) {
        if (r.getProblems().isEmpty()) {
            return "empty";
        }
        String m = RuleBase.oneLine(r.getProblems().get(0).getMessage());
        for (String cut : new String[] {", expected", "Was expecting"}) {
            int at = m.indexOf(cut);
            m = at > 0 ? m.substring(0, at) : m;
        }
        return m.strip();
    }

    /** The line of the first parse problem within the checked code. */
    private static int problemLine(ParseResult<?> r) {
        return r.getProblems().stream().findFirst().flatMap(p -> p.getLocation())
                .flatMap(t -> t.getBegin().getRange()).map(range -> range.begin.line).orElse(1);
    }

    private void statement(Statement s) throws Refused {
        if (s instanceof BlockStmt b) {
            for (Statement x : b.getStatements()) {
                statement(x);
            }
        } else if (s instanceof ExpressionStmt e) {
            expression(e.getExpression());
        } else if (s instanceof IfStmt i) {
            expression(i.getCondition());
            statement(i.getThenStmt());
            if (i.getElseStmt().isPresent()) {
                statement(i.getElseStmt().get());
            }
        } else if (!(s instanceof EmptyStmt)) {
            throw refused(s, describe(s));
        }
    }

    private static String describe(Statement s) {
        String kind = s.getClass().getSimpleName().replace("Stmt", "");
        return switch (kind) {
            case "While" -> "a while loop";
            case "For", "ForEach" -> "a for loop";
            case "Do" -> "a do-while loop";
            case "Try" -> "try/catch";
            case "Throw" -> "throw";
            case "Synchronized" -> "synchronized";
            case "LocalClassDeclaration", "LocalRecordDeclaration" -> "a local class";
            default -> "a " + kind.toLowerCase(Locale.ROOT) + " statement";
        };
    }

    private void expression(Expression e) throws Refused {
        if (e instanceof TextBlockLiteralExpr) {
            throw refused(e, "a text block (MVEL reads \"\"\" as strings and code)");
        }
        if (e instanceof NameExpr n && isDroolsHelper(n.getNameAsString())) {
            throw refused(e, n.getNameAsString() + " as a value (only drools.insert(...) and the like)");
        }
        if (e instanceof LiteralExpr || e instanceof NameExpr) {
            return;
        }
        if (e instanceof ThisExpr && !consequence) {
            return; // `this` in a constraint is the matched fact
        }
        if (e instanceof EnclosedExpr x) {
            expression(x.getInner());
        } else if (e instanceof UnaryExpr u) {
            if (!u.getOperator().isPrefix() || u.getOperator().name().endsWith("CREMENT")) {
                requireLocal(u.getExpression(), u);
            }
            expression(u.getExpression());
        } else if (e instanceof BinaryExpr b) {
            expression(b.getLeft());
            expression(b.getRight());
        } else if (e instanceof ConditionalExpr c) {
            expression(c.getCondition());
            expression(c.getThenExpr());
            expression(c.getElseExpr());
        } else if (e instanceof CastExpr c) {
            requireValueType(c.getType(), c);
            expression(c.getExpression());
        } else if (e instanceof InstanceOfExpr i) {
            expression(i.getExpression());
        } else if (e instanceof ArrayAccessExpr a) {
            expression(a.getName());
            expression(a.getIndex());
        } else if (e instanceof AssignExpr a) {
            requireLocal(a.getTarget(), a);
            expression(a.getValue());
        } else if (e instanceof VariableDeclarationExpr v) {
            for (VariableDeclarator d : v.getVariables()) {
                requireValueType(d.getType(), d);
                if (d.getInitializer().isPresent()) {
                    expression(d.getInitializer().get());
                }
            }
        } else if (e instanceof ObjectCreationExpr n) {
            creation(n);
        } else if (e instanceof MethodCallExpr m) {
            call(m);
        } else if (e instanceof FieldAccessExpr f) {
            Scope s = scope(f);
            if (s.kind == Kind.PACKAGE || s.kind == Kind.DENIED_CLASS) {
                throw refused(f, shorten(f.toString()));
            }
        } else {
            throw refused(e, describe(e));
        }
    }

    private static String describe(Expression e) {
        String kind = e.getClass().getSimpleName().replace("Expr", "");
        return switch (kind) {
            case "Lambda" -> "a lambda";
            case "MethodReference" -> "a method reference";
            case "Class" -> "a class literal (" + shorten(e.toString()) + ")";
            case "ArrayCreation", "ArrayInitializer" -> "an array";
            case "Switch" -> "a switch expression";
            default -> shorten(e.toString());
        };
    }

    private void creation(ObjectCreationExpr n) throws Refused {
        if (n.getAnonymousClassBody().isPresent()) {
            throw refused(n, "an anonymous class (new " + n.getType() + "() {...})");
        }
        Class<?> c = n.getScope().isPresent() ? null : AllowedApi.resolve(n.getType().getNameWithScope());
        if (c == null || !AllowedApi.isFact(c)) {
            throw refused(n, "new " + n.getType() + "(...)");
        }
        for (Expression a : n.getArguments()) {
            expression(a);
        }
    }

    private void call(MethodCallExpr m) throws Refused {
        String name = m.getNameAsString();
        boolean allowed;
        if (m.getScope().isEmpty()) {
            allowed = consequence ? WORKING_MEMORY.contains(name) : AllowedApi.isInstanceMember(name);
        } else {
            Scope s = scope(m.getScope().get());
            allowed = switch (s.kind) {
                case DROOLS -> consequence && WORKING_MEMORY.contains(name);
                case CLASS -> AllowedApi.isStaticMethod(s.type, name);
                case INSTANCE, AMBIGUOUS -> AllowedApi.isInstanceMember(name);
                case PACKAGE, DENIED_CLASS -> false;
            };
        }
        if (!allowed) {
            String args = m.getArguments().isEmpty() ? "()" : "(...)";
            throw refused(m, "call " + m.getScope().map(x -> shorten(x.toString()) + ".").orElse("") + name + args);
        }
        for (Expression a : m.getArguments()) {
            expression(a);
        }
    }

    private enum Kind { INSTANCE, AMBIGUOUS, DROOLS, CLASS, DENIED_CLASS, PACKAGE }

    /** What a scope denotes: a value, the Drools helper, an allowed class, a refused class, or a package prefix. */
    private record Scope(Kind kind, String name, Class<?> type) {}

    private Scope scope(Expression e) throws Refused {
        if (e instanceof NameExpr n) {
            String id = n.getNameAsString();
            if (variables.contains(id)) {
                return new Scope(Kind.INSTANCE, id, null);
            }
            if (isDroolsHelper(id)) {
                return new Scope(Kind.DROOLS, id, null);
            }
            if (Character.isUpperCase(id.charAt(0))) {
                return classScope(id);
            }
            // In a condition a field of the matched fact (a member name of a fact class); otherwise
            // only a package name can start a dotted name here.
            boolean field = !consequence && AllowedApi.isInstanceMember(id);
            return new Scope(field ? Kind.AMBIGUOUS : Kind.PACKAGE, id, null);
        }
        if (e instanceof FieldAccessExpr f) {
            Scope s = scope(f.getScope());
            String field = f.getNameAsString();
            String dotted = s.name + "." + field;
            switch (s.kind) {
                case INSTANCE:
                    if (!AllowedApi.isInstanceMember(field)) {
                        throw refused(f, "reading " + shorten(f.toString()));
                    }
                    return new Scope(Kind.INSTANCE, dotted, null);
                case AMBIGUOUS:
                case PACKAGE:
                    if (Character.isUpperCase(field.charAt(0))) {
                        return classScope(dotted);
                    }
                    boolean member = s.kind == Kind.AMBIGUOUS && AllowedApi.isInstanceMember(field);
                    return new Scope(member ? Kind.AMBIGUOUS : Kind.PACKAGE, dotted, null);
                case CLASS:
                    if (!AllowedApi.isStaticField(s.type, field)) {
                        throw refused(f, "static field " + shorten(f.toString()));
                    }
                    return new Scope(Kind.INSTANCE, dotted, null);
                default:
                    throw refused(f, shorten(f.toString()));
            }
        }
        expression(e);
        return new Scope(Kind.INSTANCE, shorten(e.toString()), null);
    }

    private boolean isDroolsHelper(String name) {
        return (name.equals("drools") || name.equals("kcontext")) && !variables.contains(name);
    }

    private static Scope classScope(String name) {
        Class<?> c = AllowedApi.resolve(name);
        return c == null ? new Scope(Kind.DENIED_CLASS, name, null) : new Scope(Kind.CLASS, name, c);
    }

    private void requireLocal(Expression target, Node where) throws Refused {
        if (!(target instanceof NameExpr n) || !locals.contains(n.getNameAsString())) {
            throw refused(where, "assigning to " + shorten(target.toString()) + " (only the consequence's own local variables may be assigned)");
        }
    }

    private static void requireValueType(Type t, Node where) throws Refused {
        if (t.isPrimitiveType() || t.isVarType()) {
            return;
        }
        Class<?> c = t.isClassOrInterfaceType() ? AllowedApi.resolve(t.asClassOrInterfaceType().getNameWithScope()) : null;
        if (c == null || !AllowedApi.isValueType(c)) {
            throw refused(where, "the type " + t);
        }
    }

    private static Refused refused(Node n, String what) {
        return new Refused(what, n.getBegin().map(p -> p.line).orElse(1));
    }

    static String shorten(String s) {
        String one = RuleBase.oneLine(s);
        return one.length() <= SHOWN ? one : one.substring(0, SHOWN - 3) + "...";
    }
}
