package io.transferadvisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Layer names under the per-layer charts stay legible when a model has many candidate cuts (ResNet50: 17). */
class ReportChartsTest {
    static final String[] FEW = {"b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu"};
    static final String[] RESNET50 = {"stem-maxpool1", "res2a_branch2c_add", "res2b_branch2c_add", "res2c_branch2c_add",
        "res3a_branch2c_add", "res3b_branch2c_add", "res3c_branch2c_add", "res3d_branch2c_add", "res4a_branch2c_add",
        "res4b_branch2c_add", "res4c_branch2c_add", "res4d_branch2c_add", "res4e_branch2c_add", "res4f_branch2c_add",
        "res5a_branch2c_add", "res5b_branch2c_add", "avgpool"};

    @Test
    void fewShortNamesStayOnOneRowAsTheyAre() {
        int w = ReportCharts.chartWidth(FEW.length);
        assertThat(w).isEqualTo(820);
        assertThat(ReportCharts.rows(FEW, w)).isEqualTo(1);
        assertThat(ReportCharts.labels(FEW, w)).containsExactly(FEW);
    }

    @Test
    void manyLongNamesGetAWiderChartStaggeredRowsAndLabelsThatFitTheirSlot() {
        int w = ReportCharts.chartWidth(RESNET50.length);
        assertThat(w).isGreaterThan(820).isLessThanOrEqualTo(1600);
        int rows = ReportCharts.rows(RESNET50, w);
        assertThat(rows).isBetween(2, 3);
        String[] labels = ReportCharts.labels(RESNET50, w);
        double slot = rows * (w - 110.0) / RESNET50.length; // px a label may use before it meets the next one on its row
        for (int i = 0; i < labels.length; i++) {
            assertThat(labels[i].length() * 7.0).as(labels[i]).isLessThan(slot);
            // shortened in the middle: the start and the end of the name stay readable
            assertThat(RESNET50[i]).startsWith(labels[i].split("\u2026")[0]);
        }
        // the labels still tell the layers apart
        assertThat(java.util.Set.of(labels)).hasSize(RESNET50.length);
    }
}
