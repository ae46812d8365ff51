package dev.lawfit.spec;

import java.util.List;

/** Column names of the checkpoint-evaluation contract (see the README's input section). */
public final class CheckpointContract {
    public static final String RUN_ID = "run_id";
    public static final String MODEL = "model";
    public static final String DATASET = "dataset";
    public static final String TOKENIZER = "tokenizer";
    public static final String EVAL_DATASET = "eval_dataset";
    public static final String PARAMS = "params";
    public static final String TOKENS = "tokens";
    public static final String STEP = "step";
    public static final String FLOPS = "flops";
    public static final String LOSS = "loss";

    /** Added by lawfit: where a row came from, and whether its flops were derived as 6ND. */
    public static final String SOURCE_FILE = "source_file";
    public static final String FLOPS_DERIVED = "flops_derived";
    public static final String FLOPS_CONVENTION = "flops_convention";
    /** Downstream error of a task row, when the job fits downstream laws. */
    public static final String ERROR = "error";
    public static final String REJECT_REASON = "reject_reason";
    /** Optional, for the temporal law: loss at each token position (index k = position k + 1), and the run's planned tokens. */
    public static final String POSITION_LOSSES = "position_losses";
    public static final String TOTAL_TOKENS = "total_tokens";
    /** Optional, for the schedule-aware laws: the learning rate at the checkpoint's step. */
    public static final String LR = "lr";

    public static final List<String> REQUIRED_KEYS = List.of(RUN_ID, MODEL, DATASET, TOKENIZER, EVAL_DATASET);
    public static final List<String> REQUIRED_NUMBERS = List.of(PARAMS, TOKENS, LOSS);
    /** Optional, for the data-constrained law: the unique tokens of the run's data (its epochs are tokens / unique_tokens). */
    public static final String UNIQUE_TOKENS = "unique_tokens";
    public static final List<String> OPTIONAL_NUMBERS = List.of(STEP, FLOPS, UNIQUE_TOKENS);

    /** Columns lawfit sets on every row itself (besides every name starting with {@code _lawfit_}). */
    public static final List<String> RESERVED = List.of(SOURCE_FILE, "source_line", REJECT_REASON);

    /** Whether lawfit sets a column of this name itself, so an input column of the name would be overwritten or trusted. */
    public static boolean reserved(String column) {
        String lower = column.toLowerCase(java.util.Locale.ROOT);
        return RESERVED.contains(lower) || lower.startsWith("_lawfit_");
    }

    /**
     * Refuses input columns with reserved names (exit 2, naming the column and where it is), unless the spec maps them to
     * another name with {@code input.columns}. {@code mappedAway} are the source columns {@code input.columns} renames.
     */
    public static void checkNotReserved(java.util.Collection<String> columns, java.util.Collection<String> mappedAway, String where) {
        for (String c : columns) {
            if (reserved(c) && !mappedAway.contains(c)) {
                throw new dev.lawfit.LawfitException(where + " has a column named '" + c + "', which lawfit sets itself on every row ("
                        + String.join(", ", RESERVED) + ", _lawfit_*); its values would be lost: rename it, e.g. input.columns: {input_" + c
                        .replaceFirst("^_+", "") + ": " + c + "}");
            }
        }
    }

    private CheckpointContract() {
    }
}
