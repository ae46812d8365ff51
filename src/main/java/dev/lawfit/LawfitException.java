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
}
