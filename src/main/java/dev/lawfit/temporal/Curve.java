package dev.lawfit.temporal;

/** A fitted {@link TrajectoryForm}: y = p0 + p1 g(x; theta). */
public record Curve(TrajectoryForm form, double p0, double p1, double theta, double warmup, double rmse, int points) {

    public double at(double x) {
        return form == TrajectoryForm.CONSTANT ? p0 : p0 + p1 * form.basis(x, theta, warmup);
    }

    public boolean ok() {
        return Double.isFinite(p0) && Double.isFinite(p1) && (!form.hasTheta() || Double.isFinite(theta));
    }
}
