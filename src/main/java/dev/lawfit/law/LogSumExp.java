package dev.lawfit.law;

/** log(e^p + e^q) without overflow: the laws written in log-sum-exp form share it. */
final class LogSumExp {

    private LogSumExp() {
    }

    static double of(double p, double q) {
        double m = Math.max(p, q);
        return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
    }
}
