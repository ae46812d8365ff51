package dev.lawfit.law;

/** What the laws in compute alone share. */
final class Compute {

    /** Why a law in C is not fitted inside one model size: there, loss against compute is one run's training curve. */
    static final String ONE_SIZE = "a power law in compute across model sizes needs at least 2 sizes; the group has 1 "
            + "(within one size, loss against compute is a training curve: see the temporal section)";

    private Compute() {
    }
}
