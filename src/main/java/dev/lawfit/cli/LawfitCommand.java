package dev.lawfit.cli;

import dev.lawfit.LawfitException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code lawfit} command line: {@code run}, {@code generate}, {@code sql}, {@code report}, {@code rollback}. Exit 0 ok, 1 internal failure, 2 bad input. */
@Command(name = "lawfit", mixinStandardHelpOptions = true, version = "lawfit 0.1.0",
        description = "Fits scaling laws to archives of checkpoint evaluations on Apache Spark.",
        subcommands = {RunCommand.class, CheckCommand.class, GenerateCommand.class, SqlCommand.class, ReportCommand.class, DiffCommand.class, PredictCommand.class,
                RollbackCommand.class})
public final class LawfitCommand implements Runnable {

    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_FAILURE = 1;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    private static final java.util.regex.Pattern MACHINE = java.util.regex.Pattern.compile(
            "No space left on device|Read-only file system|Disk quota exceeded|Permission denied|Too many open files");

    /** The innermost cause that says the disk is full, read-only or not permitted, or null. */
    static Throwable machineFailure(Throwable e) {
        Throwable found = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.AccessDeniedException || (t.getMessage() != null && MACHINE.matcher(t.getMessage()).find())) found = t;
        }
        return found;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with errors written to {@code err}. */
    public static int execute(PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new LawfitCommand()).setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter out = cmd.getErr();
            Throwable machine = machineFailure(e);
            if (machine != null) { // the machine, not the input or lawfit: one line, the stack only in the log
                LoggerFactory.getLogger(LawfitCommand.class).debug("failed", e);
                boolean run = "run".equals(cmd.getCommandName());
                out.println("lawfit: failed: " + LawfitException.firstLine(machine)
                        + (run ? "; nothing was published: the previous version is still current" : ""));
                out.flush();
                return EXIT_FAILURE;
            }
            if (e instanceof LawfitException) {
                LoggerFactory.getLogger(LawfitCommand.class).debug("bad input", e); // the stack, for who asks for it
                out.println("lawfit: error: " + e.getMessage());
                out.flush();
                return EXIT_BAD_INPUT;
            }
            out.println("lawfit: failed: " + e);
            e.printStackTrace(out);
            out.flush();
            return EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }
}
