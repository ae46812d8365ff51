package dev.lawfit.report;

import dev.lawfit.law.Family;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.report.Page.familyHeading;

/**
 * The report's section of each family, by the registry's family: the page asks here for a family's section, headed by the
 * family's title. Adding a family to the report is a section class and a line here.
 */
final class FamilySections {

    /** One family's section: its groups' parts (returns how many), drawn from its fits and, where it has them, its own tables. */
    @FunctionalInterface
    interface Section {
        int write(StringBuilder html, Fits fits, ReportSource source);
    }

    private static final Map<Family, Section> SECTIONS = new EnumMap<>(Family.class);

    static {
        SECTIONS.put(Family.COMPUTE, (html, f, source) -> ComputeSection.computeSections(html, f));
        SECTIONS.put(Family.CURVE, (html, f, source) -> CurveSection.curveSections(html, f));
        SECTIONS.put(Family.LOSS_TO_LOSS, (html, f, source) -> {
            int sections = PairSection.pairSections(html, f);
            if (source.has("line_factors")) PairSection.factorSections(html, source.rows("line_factors"), f);
            return sections;
        });
        SECTIONS.put(Family.DOWNSTREAM, (html, f, source) -> PairSection.pairSections(html, f));
        // drawn from its own tables (schedule_quality, schedule_predictions, schedule_ranking) beside its fits
        SECTIONS.put(Family.SCHEDULE, (html, f, source) -> ScheduleSection.scheduleSections(html, source, f == null ? List.of() : f.fits()));
    }

    private FamilySections() {
    }

    /** Whether the report draws a section for this family. */
    static boolean has(Family family) {
        return SECTIONS.containsKey(family);
    }

    /** The family's heading and section; returns its group sections. */
    static int write(StringBuilder html, Family family, Fits fits, ReportSource source) {
        familyHeading(html, family);
        return SECTIONS.get(family).write(html, fits, source);
    }
}
