package dev.lawfit.law;

/**
 * A law written as a prediction in the target's units (not its log): the log forms the search and the
 * log residuals use follow from it (NaN where the prediction is not positive).
 */
public interface DirectLaw extends Law {

    @Override
    double predict(double[] theta, Points points, int i);

    @Override
    double predict(double[] theta, Points points, int i, double[] gradient);

    /** The parameters of a law written in its own units are its coordinates. */
    @Override
    default java.util.Map<String, Double> parameters(double[] theta) {
        java.util.Map<String, Double> p = new java.util.LinkedHashMap<>();
        for (int k = 0; k < theta.length; k++) p.put(coordinateNames().get(k), theta[k]);
        return p;
    }

    /** None, unless the law says otherwise. */
    @Override
    default java.util.Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        return java.util.Map.of();
    }

    @Override
    default double logPredict(double[] theta, Points points, int i) {
        return Math.log(predict(theta, points, i));
    }

    @Override
    default double logPredict(double[] theta, Points points, int i, double[] gradient) {
        double value = predict(theta, points, i, gradient);
        for (int k = 0; k < gradient.length; k++) gradient[k] /= value;
        return Math.log(value);
    }
}
