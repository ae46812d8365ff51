package dev.lawfit.job.results;


import dev.lawfit.LawfitException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.trees.TreeNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The read-only door of {@code lawfit sql}, by construction: a query passes only if every node of its parsed
 * plan is a query (or SHOW/DESCRIBE/EXPLAIN) node from a fixed list, every function it calls is on the allow-list
 * ({@code sql-functions.txt}), every table function is one of a few generators, and every relation is a plain
 * table name; then every expression of the analysed plan must be an allowed function's class or one of the
 * structural expressions below. Anything else, including whatever a later Spark adds, is refused with its name.
 */
public final class SqlSandbox {

    /** Functions a query may call, by name (lower case). */
    public static final Set<String> FUNCTIONS = load("sql-functions.txt");
    /** Table-valued functions a query may call in FROM. */
    public static final Set<String> TABLE_FUNCTIONS = Set.of("range", "explode", "explode_outer", "posexplode", "posexplode_outer",
            "inline", "inline_outer", "stack", "json_tuple");

    /** Parsed-plan nodes of a query (simple class names). */
    private static final Set<String> QUERY_NODES = Set.of(
            "Project", "Filter", "Aggregate", "Join", "LateralJoin", "Sort", "GlobalLimit", "LocalLimit", "Offset", "Tail",
            "Distinct", "Deduplicate", "Union", "Intersect", "Except", "SubqueryAlias", "UnresolvedRelation", "UnresolvedWith",
            "CTERelationRef", "WithWindowDefinition", "UnresolvedInlineTable", "OneRowRelation", "Generate", "Sample",
            "Pivot", "Unpivot", "UnresolvedHint", "UnresolvedTableValuedFunction", "UnresolvedTVFAliases",
            "UnresolvedSubqueryColumnAliases", "RepartitionByExpression", "Repartition", "Window", "Expand",
            "LocalRelation", "UnresolvedHaving", "UnresolvedGenerate");
    /** Statements that only look at the catalog of views or at a plan. */
    private static final Set<String> INSPECTION_NODES = Set.of("ShowTables", "ShowViews", "ShowColumns", "DescribeRelation",
            "DescribeColumn", "DescribeQueryCommand", "ExplainCommand", "UnresolvedTableOrView", "UnresolvedNamespace",
            "CurrentNamespace$");
    /** Expressions the analyser puts in a plan that are not functions: columns, literals, aliases, subqueries, windows, lambdas. */
    private static final Set<String> STRUCTURAL_EXPRESSIONS = Set.of(
            "AttributeReference", "Alias", "Literal", "Cast", "SortOrder", "ScalarSubquery", "Exists", "ListQuery", "InSubquery",
            "LateralSubquery", "OuterReference", "WindowExpression", "WindowSpecDefinition", "SpecifiedWindowFrame",
            "UnspecifiedFrame$", "UnboundedPreceding$", "UnboundedFollowing$", "CurrentRow$", "AggregateExpression",
            "GetStructField", "GetArrayItem", "GetMapValue", "GetArrayStructFields", "LambdaFunction", "NamedLambdaVariable",
            // rewrites the analyser makes: common subexpressions (nullif, between), interval arithmetic, pivot
            "With", "CommonExpressionDef", "CommonExpressionRef", "TimestampAddInterval", "DateAddInterval", "PivotFirst",
            "Grouping", "GroupingID", "SpecialFrameBoundary");

    private SqlSandbox() {
    }

    /**
     * Checks a parsed statement before anything is analysed or run. Refuses, naming it, any node that is not part of a
     * query, any function or table function not on the allow-list, and any relation that is not a plain table name.
     */
    public static void checkParsed(LogicalPlan parsed) {
        walk(parsed, node -> {
            String name = simpleName(node);
            if (node instanceof UnresolvedFunction f) {
                String problem = functionProblem(f);
                if (problem != null) throw refused(problem);
            } else if (node instanceof UnresolvedTableValuedFunction tvf) {
                String function = String.join(".", seq(tvf.name())).toLowerCase(Locale.ROOT);
                if (!TABLE_FUNCTIONS.contains(function)) {
                    throw refused("table function " + function + " is not allowed in lawfit sql; allowed: " + new TreeSet<>(TABLE_FUNCTIONS));
                }
            } else if (node instanceof UnresolvedRelation relation) {
                List<String> parts = seq(relation.multipartIdentifier());
                if (parts.size() != 1) {
                    throw refused("the query names " + String.join(".", parts) + ": only the published tables can be read, by their plain "
                            + "names (reading files by path or other catalogs is refused)");
                }
            } else if (node instanceof LogicalPlan) {
                if (!QUERY_NODES.contains(name) && !INSPECTION_NODES.contains(name)) {
                    throw refused("the statement would run " + name + "; only queries run (SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN)");
                }
            }
        });
    }

    /**
     * Checks a job spec's expression ({@code input.derive.*}, {@code input.filter}) through the same door: only allowed
     * functions, and no subquery (an expression is over the row's own columns). {@code key} names the spec key.
     */
    public static void checkExpression(SparkSession spark, String key, String text) {
        Expression parsed;
        try {
            parsed = spark.sessionState().sqlParser().parseExpression(text);
        } catch (Exception e) { // ParseException is checked in Java but thrown undeclared from Scala
            throw new LawfitException(key + ": cannot parse '" + text + "': " + LawfitException.firstLine(e), e);
        }
        checkParsedExpression(key, text, parsed);
    }

    /** Both checks of a spec expression: as parsed, then as analysed over the columns it reads. */
    public static void checkExpression(SparkSession spark, String key, String text, org.apache.spark.sql.types.StructType schema) {
        checkExpression(spark, key, text);
        checkAnalyzedExpression(spark, key, text, schema);
    }

    /**
     * The same check without a Spark session (Spark's SQL parser needs none): {@code lawfit check} runs it in a second.
     * Returns the columns the expression reads (the first part of each name).
     */
    public static Set<String> checkExpression(String key, String text) {
        Expression parsed;
        try {
            parsed = org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseExpression(text);
        } catch (Exception e) { // ParseException is checked in Java but thrown undeclared from Scala
            throw new LawfitException(key + ": cannot parse '" + text + "': " + LawfitException.firstLine(e), e);
        }
        checkParsedExpression(key, text, parsed);
        Set<String> columns = new java.util.LinkedHashSet<>();
        walk(parsed, node -> {
            if (node instanceof org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute a) columns.add(seq(a.nameParts()).get(0));
        });
        return columns;
    }

    /**
     * A parsed expression passes node by node, by construction: a call of an allowed function by its plain name, an
     * expression class of an allowed function (operators such as {@code +}, {@code AND}, {@code LIKE}), a structural
     * expression (columns, literals, casts, windows, lambdas) or one of the parser's unresolved placeholders for those.
     * Anything else is refused naming it: {@code IDENTIFIER('reflect')(...)}, which names its function by a string the
     * parser does not resolve, a subquery, and whatever node a later Spark adds.
     */
    private static void checkParsedExpression(String key, String text, Expression parsed) {
        walk(parsed, node -> {
            String problem = null;
            if (node instanceof UnresolvedFunction f) {
                problem = functionProblem(f);
            } else if (node instanceof LogicalPlan) {
                problem = "a subquery is not allowed (an expression reads the row's own columns)";
            } else if (node instanceof Expression e && !PARSED_PLACEHOLDERS.contains(simpleName(e)) && !STRUCTURAL_EXPRESSIONS.contains(simpleName(e))
                    && !BUILTIN_CLASSES.contains(e.getClass().getName())) {
                problem = simpleName(e).contains("Identifier") ? "IDENTIFIER(...) is not allowed (it names a function or column by a string)"
                        : e.prettyName() + " (" + simpleName(e) + ") is not allowed";
            }
            if (problem != null) throw new LawfitException(key + " refused: " + problem + " in '" + text + "'");
        });
    }

    /** The parser's placeholders for what analysis resolves: columns, fields, map keys, stars, aliases, lambda variables, windows. */
    private static final Set<String> PARSED_PLACEHOLDERS = Set.of("UnresolvedAttribute", "UnresolvedExtractValue", "UnresolvedStar",
            "UnresolvedAlias", "UnresolvedNamedLambdaVariable", "UnresolvedWindowExpression", "UnresolvedRegex", "UnresolvedOrdinal");

    /** The expression classes of the allowed functions in Spark's built-in registry (no session needed). */
    private static final Set<String> BUILTIN_CLASSES = builtinClasses();

    private static Set<String> builtinClasses() {
        Set<String> classes = new HashSet<>();
        var registry = org.apache.spark.sql.catalyst.analysis.FunctionRegistry$.MODULE$.builtin();
        for (String function : FUNCTIONS) {
            scala.Option<ExpressionInfo> info = registry.lookupFunction(FunctionIdentifier.apply(function));
            if (info.isDefined() && info.get().getClassName() != null) classes.add(info.get().getClassName());
        }
        return Set.copyOf(classes);
    }

    /**
     * Checks a spec expression once more as Spark analyses it, against the columns it will read ({@code schema}), with the
     * allow-list of {@code lawfit sql}'s analysed plans: whatever the parser let through, the functions that would run are
     * allowed ones. The expression is analysed over an empty relation of that schema, so nothing is read or run.
     */
    public static void checkAnalyzedExpression(SparkSession spark, String key, String text, org.apache.spark.sql.types.StructType schema) {
        LogicalPlan analyzed;
        try {
            analyzed = spark.createDataFrame(java.util.List.of(), schema).select(org.apache.spark.sql.functions.expr(text).as("_lawfit_checked"))
                    .queryExecution().analyzed();
        } catch (Exception e) { // AnalysisException is checked in Java but thrown undeclared from Scala; the caller reports it
            return;
        }
        try {
            checkAnalyzed(spark, analyzed);
        } catch (LawfitException e) {
            throw new LawfitException(key + " refused: " + e.getMessage().replaceFirst("^sql refused: ", "").replace(" in lawfit sql", "")
                    + " in '" + text + "'");
        }
    }

    /** Why a call may not run (a qualified name, or a function not on the allow-list), or null. */
    private static String functionProblem(UnresolvedFunction f) {
        List<String> parts = seq(f.nameParts());
        String function = String.join(".", parts).toLowerCase(Locale.ROOT);
        if (parts.size() != 1) return "function " + function + ": qualified function names are not allowed; call built-in functions by name";
        if (!FUNCTIONS.contains(function)) return "function " + function + " is not allowed in lawfit" + hint(function);
        return null;
    }

    /**
     * Checks every expression of an analysed plan (the published views themselves are trusted and not entered). An
     * expression passes when its class is an allowed function's, or its name is an allowed function's (functions built
     * by a builder class), or it is structural. Unresolved expressions only remain inside EXPLAIN and DESCRIBE QUERY,
     * whose parsed plans {@link #checkParsed} already checked.
     */
    public static void checkAnalyzed(SparkSession spark, LogicalPlan analyzed) {
        Set<String> allowed = allowedClasses(spark);
        walk(analyzed, node -> {
            if (node instanceof Expression e) {
                String name = e.getClass().getName();
                if (!allowed.contains(name) && !FUNCTIONS.contains(e.prettyName()) && !STRUCTURAL_EXPRESSIONS.contains(simpleName(e))
                        && !(e.getClass().getPackageName().equals("org.apache.spark.sql.catalyst.analysis") && simpleName(e).startsWith("Unresolved"))) {
                    throw refused("the query uses " + e.prettyName() + " (" + simpleName(e) + "), which is not allowed in lawfit sql");
                }
            }
        });
    }

    /** The classes of the allowed functions, as Spark's function registry names them. */
    private static Set<String> allowedClasses(SparkSession spark) {
        Set<String> classes = new HashSet<>();
        for (String function : FUNCTIONS) {
            scala.Option<ExpressionInfo> info = spark.sessionState().functionRegistry().lookupFunction(FunctionIdentifier.apply(function));
            if (info.isDefined() && info.get().getClassName() != null) classes.add(info.get().getClassName());
        }
        return classes;
    }

    /** Visits every tree node reachable from {@code root} through constructor arguments, except what lies under a view. */
    private static void walk(Object root, Consumer<TreeNode<?>> visit) {
        if (root instanceof View) return;
        if (root instanceof TreeNode<?> node) {
            visit.accept(node);
            scala.collection.Iterator<Object> fields = node.productIterator();
            while (fields.hasNext()) walk(fields.next(), visit);
        } else if (root instanceof scala.collection.Iterable<?> items) {
            scala.collection.Iterator<?> it = items.iterator();
            while (it.hasNext()) walk(it.next(), visit);
        } else if (root instanceof scala.Option<?> option) {
            if (option.isDefined()) walk(option.get(), visit);
        } else if (root instanceof scala.Tuple2<?, ?> pair) {
            walk(pair._1(), visit);
            walk(pair._2(), visit);
        } else if (root instanceof scala.Tuple3<?, ?, ?> triple) {
            walk(triple._1(), visit);
            walk(triple._2(), visit);
            walk(triple._3(), visit);
        }
    }

    private static String hint(String function) {
        return switch (function) {
            case "reflect", "java_method", "try_reflect" -> " (it calls Java methods)";
            case "input_file_name", "input_file_block_start", "input_file_block_length" -> " (it exposes file paths)";
            default -> function.startsWith("xpath") || function.contains("xml") ? " (XML functions are refused)" : "";
        };
    }

    private static LawfitException refused(String why) {
        return new LawfitException("sql refused: " + why);
    }

    private static String simpleName(Object o) {
        return o.getClass().getSimpleName();
    }

    private static List<String> seq(scala.collection.Seq<String> parts) {
        List<String> out = new ArrayList<>();
        scala.collection.Iterator<String> it = parts.iterator();
        while (it.hasNext()) out.add(it.next());
        return out;
    }

    private static Set<String> load(String resource) {
        Set<String> names = new HashSet<>();
        try (InputStream in = SqlSandbox.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) names.add(name.toLowerCase(Locale.ROOT));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        return Set.copyOf(names);
    }
}
