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
