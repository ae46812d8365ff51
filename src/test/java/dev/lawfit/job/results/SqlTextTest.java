package dev.lawfit.job.results;

import org.junit.jupiter.api.Test;

import static dev.lawfit.job.results.SqlText.Dialect.DUCKDB;
import static dev.lawfit.job.results.SqlText.Dialect.SPARK;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Comments come out of a query only where they stand outside literals and quoted names, in each engine's quoting. */
class SqlTextTest {

    @Test
    void commentMarksInsideLiteralsStay() {
        for (SqlText.Dialect d : SqlText.Dialect.values()) {
            assertEquals("SELECT 'a/*b' AS x, 'c*/d' AS y", SqlText.statement("SELECT 'a/*b' AS x, 'c*/d' AS y", d));
            assertEquals("SELECT * FROM laws WHERE law <> '--'", SqlText.statement("SELECT * FROM laws WHERE law <> '--';", d));
            assertEquals("SELECT 'it''s -- not a comment'", SqlText.statement("SELECT 'it''s -- not a comment'", d));
        }
        assertEquals("SELECT `a--b` FROM t", SqlText.statement("SELECT `a--b` FROM t", SPARK));
        assertEquals("SELECT \"a--b\" FROM t", SqlText.statement("SELECT \"a--b\" FROM t", DUCKDB));
        assertEquals("SELECT \"x -- y\"", SqlText.statement("SELECT \"x -- y\"", SPARK));
    }

    @Test
    void commentsOutsideLiteralsGo() {
        assertEquals("SELECT 1", SqlText.statement("-- lead\nSELECT /* a */ /* b /* nested */ c */ 1 -- tail", SPARK).replaceAll("\\s+", " "));
        assertEquals("SELECT 1", SqlText.statement("  SELECT 1 ; ", DUCKDB));
        assertEquals("SELECT 'a' , 2", SqlText.statement("SELECT 'a' /* x */, /* y */ 2", DUCKDB).replaceAll("\\s+", " "));
    }

    @Test
    void eachEngineEscapesItsOwnWay() {
        // Spark: a backslash escapes the quote, so the literal runs to the second quote and the comment stays inside it
        assertEquals("SELECT 'a\\' -- b'", SqlText.statement("SELECT 'a\\' -- b'", SPARK));
        // DuckDB: a backslash is a character; the literal ends at the first quote and the comment goes
        assertEquals("SELECT 'a\\'", SqlText.statement("SELECT 'a\\' -- b'", DUCKDB));
        // ... except in E'...' strings
        assertEquals("SELECT E'a\\' -- b'", SqlText.statement("SELECT E'a\\' -- b'", DUCKDB));
        // Spark's raw strings take backslashes literally
        assertEquals("SELECT r'a\\'", SqlText.statement("SELECT r'a\\' -- b'", SPARK));
        assertEquals("SELECT $$ -- kept $$, $t$ /* kept */ $t$", SqlText.statement("SELECT $$ -- kept $$, $t$ /* kept */ $t$", DUCKDB));
    }
}
