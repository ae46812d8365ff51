package dev.lawfit.job.results;

/**
 * A query's text as a lexer reads it: comments ({@code -- ...} to the end of the line, {@code /* ... *}{@code /}, nested as
 * both engines nest them) are taken out only where they stand outside string literals and quoted identifiers, so
 * {@code SELECT 'a/*b' AS x} keeps its literal and {@code WHERE law <> '--'} its condition. Each engine quotes its own way:
 * Spark reads {@code '...'} and {@code "..."} as strings with backslash escapes (not in raw {@code r'...'} strings) and
 * backticks as identifiers; DuckDB reads {@code '...'} with {@code ''} for a quote (backslashes only in {@code E'...'}),
 * {@code "..."} as identifiers and {@code $tag$...$tag$} as dollar-quoted strings.
 */
public final class SqlText {

    /** Whose quoting rules apply. */
    public enum Dialect { SPARK, DUCKDB }

    private SqlText() {
    }

    /** The statement without comments, surrounding blanks and one trailing ';'. */
    public static String statement(String sql, Dialect dialect) {
        String s = withoutComments(sql, dialect).strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }

    /** The text with every comment outside literals replaced by one space; literals and identifiers untouched. */
    public static String withoutComments(String sql, Dialect dialect) {
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == '-' && next == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end; // the newline stays
                out.append(' ');
            } else if (c == '/' && next == '*') {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (depth > 0 && i < n);
                out.append(' ');
            } else if (c == '\'' || c == '"' || c == '`' || (c == '$' && dialect == Dialect.DUCKDB && dollarTag(sql, i) != null)) {
                int end = quotedEnd(sql, i, dialect);
                out.append(sql, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The index just past the quoted token that starts at {@code start} (the end of the text when it is never closed). */
    private static int quotedEnd(String sql, int start, Dialect dialect) {
        char quote = sql.charAt(start);
        int n = sql.length();
        if (quote == '$') {
            String tag = dollarTag(sql, start);
            int end = sql.indexOf(tag, start + tag.length());
            return end < 0 ? n : end + tag.length();
        }
        boolean string = quote == '\'' || (quote == '"' && dialect == Dialect.SPARK);
        char prefix = start > 0 ? Character.toLowerCase(sql.charAt(start - 1)) : 0;
        boolean startsToken = start < 2 || !Character.isLetterOrDigit(sql.charAt(start - 2));
        boolean backslashes = string && (dialect == Dialect.SPARK ? !(prefix == 'r' && startsToken) : prefix == 'e' && startsToken);
        int i = start + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2; // a doubled quote stands for one
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** The dollar-quote tag ({@code $$} or {@code $name$}) starting at {@code i}, or null. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) j++;
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) return sql.substring(i, j + 1);
        return null;
    }
}
