package dev.lawfit.schedule;

import dev.lawfit.law.DirectLaw;
import dev.lawfit.law.Points;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A law of the loss over optimiser steps that reads each run's learning-rate schedule, fitted jointly over the
 * runs of a group (one set of parameters for every schedule). A point is a checkpoint: its run id names the
 * schedule, its step the position in it; the covariate x is the run's progress (step over the run's last
 * step), which the late-progress backtest splits on. Coefficients that span orders of magnitude are searched
 * in log coordinates ({@code log_A}) and reported as themselves ({@code A}).
 */
public abstract class ScheduleLaw implements DirectLaw {

    private static final long serialVersionUID = 1L;

    /** A schedule law's description, from its name and formula; each law adds its coordinates, grid and fewest points. */
    protected static dev.lawfit.law.LawDescription describe(String name, String formula) {
        return dev.lawfit.law.LawDescription.of(name, formula).withFamily(dev.lawfit.law.Family.SCHEDULE, "loss").withCovariates("step, lr schedule")
                .withHoldOut(HoldOut.LATE_PROGRESS).withShape(List.of("alpha"));
    }

    protected final Map<String, LrSchedule> schedules;
    private final List<String> candidates;

    /** {@code schedules}: every run's and every candidate's, by name; {@code candidates}: the names forecast. */
    protected ScheduleLaw(Map<String, LrSchedule> schedules, java.util.Set<String> candidates) {
        this.schedules = Map.copyOf(schedules);
        this.candidates = new java.util.ArrayList<>(new java.util.TreeSet<>(candidates));
        for (String c : this.candidates) if (!schedules.containsKey(c)) throw new IllegalArgumentException("no schedule for candidate " + c);
    }

    /** Prefix of the forecast names: {@code final@<candidate>}, the loss at the candidate schedule's last step. */
    public static final String FINAL = "final@";

    /** The loss this law predicts at a schedule's last step (a run's or a candidate's, by name). */
    public double finalLoss(double[] theta, String name) {
        LrSchedule s = schedules.get(name);
        if (s == null) throw new IllegalArgumentException("no learning-rate schedule named '" + name + "'");
        Points at = Points.of(new double[] {1}, new double[] {1}, new double[] {1}, new double[] {1}, new double[] {1},
                new String[] {name}, new double[] {s.lastStep()});
        return predict(theta, at, 0);
    }

    /** Every candidate schedule's predicted final loss (with bootstrap intervals, as every law's forecasts). */
    @Override
    public Map<String, Double> forecasts(double[] theta) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String c : candidates) out.put(FINAL + c, finalLoss(theta, c));
        return out;
    }

    /** How far each candidate's last step lies past the steps fitted. */
    @Override
    public Map<String, Double> forecastDistances(Points fit) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String c : candidates) out.put(FINAL + c, Math.max(0, dev.lawfit.law.Law.outside(fit.steps(), schedules.get(c).lastStep())));
        return out;
    }

    public Map<String, LrSchedule> schedules() {
        return schedules;
    }

    /**
     * The schedule laws keep L-BFGS-B's search: Levenberg-Marquardt's found other optima on the Multi-Power Law's 100M runs
     * fitted on their first 30%, which predicted the rest worse (mean 0.20%, worst 3.8%, against 0.12% and 0.70%).
     */
    @Override
    public boolean gaussNewtonSearch() {
        return false;
    }

    /** Steps past the last fitted step, ln(step / step_max), over the group's runs. */
    @Override
    public double distance(Points fit, Points at, int i) {
        return Math.max(0, dev.lawfit.law.Law.outside(fit.steps(), at.steps()[i]));
    }

    @Override
    public final double predict(double[] theta, Points points, int i) {
        return value(theta, points, i, null);
    }

    @Override
    public final double predict(double[] theta, Points points, int i, double[] gradient) {
        return value(theta, points, i, gradient);
    }

    /** The prediction at point i; with {@code gradient} non-null, d(prediction)/d(theta) written into it. */
    protected abstract double value(double[] theta, Points points, int i, double[] gradient);

    /** The schedule of point i's run (a bootstrap copy {@code run#2} reads run's). */
    protected LrSchedule schedule(Points points, int i) {
        String run = points.runIds()[i];
        LrSchedule s = schedules.get(run);
        if (s == null) {
            int hash = run.lastIndexOf('#');
            if (hash > 0) s = schedules.get(run.substring(0, hash));
        }
        if (s == null) throw new IllegalArgumentException("no learning-rate schedule for run '" + run + "'");
        return s;
    }

    protected static int step(Points points, int i) {
        return (int) Math.round(points.steps()[i]);
    }

    /** Coordinates named log_X are reported as X = exp(coordinate). */
    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        List<String> names = coordinateNames();
        for (int k = 0; k < theta.length; k++) {
            String n = names.get(k);
            if (n.startsWith("log_")) p.put(n.substring(4), Math.exp(theta[k]));
            else p.put(n, theta[k]);
        }
        return p;
    }

    @Override
    public double[] theta(Map<String, Double> parameters) {
        return coordinateNames().stream().mapToDouble(n -> n.startsWith("log_") ? Math.log(parameters.get(n.substring(4))) : parameters.get(n)).toArray();
    }

}
