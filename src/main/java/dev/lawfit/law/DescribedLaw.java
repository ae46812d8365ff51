package dev.lawfit.law;

import java.util.List;

/**
 * A law that gives its fixed description as one value ({@link #description}) rather than a getter for each part: every
 * getter of {@link Law} reads it. A law class then holds its description and its mathematics only.
 */
public interface DescribedLaw extends Law {

    @Override
    LawDescription description();

    @Override
    default String name() {
        return description().name();
    }

    @Override
    default Family family() {
        return description().family();
    }

    @Override
    default String target() {
        return description().target();
    }

    @Override
    default String covariates() {
        return description().covariates();
    }

    @Override
    default HoldOut holdOut() {
        return description().holdOut();
    }

    @Override
    default String formula() {
        return description().formula();
    }

    @Override
    default List<String> coordinateNames() {
        return description().coordinates();
    }

    @Override
    default double[] lowerBounds() {
        return description().lowerBounds().clone();
    }

    @Override
    default double[] upperBounds() {
        return description().upperBounds().clone();
    }

    @Override
    default StartingGrid defaultGrid() {
        return description().grid();
    }

    @Override
    default List<String> shapeCoordinates() {
        return description().shapeCoordinates();
    }

    @Override
    default int minPoints() {
        return description().minPoints();
    }
}
