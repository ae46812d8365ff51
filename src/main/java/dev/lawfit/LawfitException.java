package dev.lawfit;

/**
 * A problem with what the user gave lawfit (spec, input files, columns): the message says which file,
 * row or column and what was expected. The command line prints it without a stack trace and exits 2.
 */
public class LawfitException extends RuntimeException {
    public LawfitException(String message) {
        super(message);
    }

    public LawfitException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first non-blank line of an exception's message (Spark puts plans and blank lines after it), else of its causes'. */
    public static String firstLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message == null) continue;
            for (String line : message.split("\n")) {
                if (!line.isBlank()) return line.strip();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** The first line of the innermost cause that says something: what went wrong at the bottom of a wrapped failure. */
    public static String innermostLine(Throwable e) {
        String line = firstLine(e);
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) line = firstLine(t);
        }
        return line;
    }
}
