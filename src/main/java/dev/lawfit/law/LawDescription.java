package dev.lawfit.law;

import java.util.List;

/**
 * A law's fixed description as one value: its name and family, its formula, what it predicts from which covariates, the
 * optimiser's coordinates with their bounds and starting grid, the coordinates that set its shape, its natural held-out
 * split and the fewest points it is fitted on. A law gives it ({@link Law#description}) instead of a getter for each part;
 * the getters read it. Built from {@link #of} with the (N, D, C) laws' defaults, then one {@code with} call per part.
 */
public record LawDescription(String name, Family family, String formula, String target, String covariates, List<String> coordinates,
                             double[] lowerBounds, double[] upperBounds, StartingGrid grid, List<String> shapeCoordinates,
                             Law.HoldOut holdOut, int minPoints) {

    public LawDescription {
        coordinates = List.copyOf(coordinates);
        shapeCoordinates = List.copyOf(shapeCoordinates);
        lowerBounds = lowerBounds.clone();
        upperBounds = upperBounds.clone();
        if (lowerBounds.length != coordinates.size() || upperBounds.length != coordinates.size()) {
            throw new IllegalArgumentException(name + ": " + coordinates.size() + " coordinates, " + lowerBounds.length + " lower and "
                    + upperBounds.length + " upper bounds");
        }
    }

    /** A law in (N, D, C) predicting the loss, held out by its largest sizes; its coordinates, bounds and grid still to give. */
    public static LawDescription of(String name, String formula) {
        return new LawDescription(name, Family.COMPUTE, formula, "loss", "N, D, C", List.of(), new double[0], new double[0], null, List.of(),
                Law.HoldOut.LARGEST_SIZES, 1);
    }

    public LawDescription withCovariates(String value) {
        return new LawDescription(name, family, formula, target, value, coordinates, lowerBounds, upperBounds, grid, shapeCoordinates, holdOut, minPoints);
    }

    /** The coordinates with their bounds, in order. */
    public LawDescription withCoordinates(List<String> names, double[] lower, double[] upper) {
        return new LawDescription(name, family, formula, target, covariates, names, lower, upper, grid, shapeCoordinates, holdOut, minPoints);
    }

    public LawDescription withGrid(StartingGrid value) {
        return new LawDescription(name, family, formula, target, covariates, coordinates, lowerBounds, upperBounds, value, shapeCoordinates, holdOut, minPoints);
    }

    public LawDescription withShape(List<String> shape) {
        return new LawDescription(name, family, formula, target, covariates, coordinates, lowerBounds, upperBounds, grid, shape, holdOut, minPoints);
    }

    public LawDescription withMinPoints(int value) {
        return new LawDescription(name, family, formula, target, covariates, coordinates, lowerBounds, upperBounds, grid, shapeCoordinates, holdOut, value);
    }

    public LawDescription withHoldOut(Law.HoldOut value) {
        return new LawDescription(name, family, formula, target, covariates, coordinates, lowerBounds, upperBounds, grid, shapeCoordinates, value, minPoints);
    }

    public LawDescription withFamily(Family value, String predicted) {
        return new LawDescription(name, value, formula, predicted, covariates, coordinates, lowerBounds, upperBounds, grid, shapeCoordinates, holdOut, minPoints);
    }
}
