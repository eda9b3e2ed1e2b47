package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.probe.DatasetProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit's profileHash covers the reproducible part of a profile only (issue 10: it hashed the probe's wall time). */
class ProfileHashTest {
    static DatasetProfile withSeconds(DatasetProfile p, double seconds, DatasetProfile.FeatureWork work) {
        var s = p.sampling();
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), p.layers(), p.similarity(),
                p.sourceView(), p.sufficiency(), p.unlabelledImages(),
                new DatasetProfile.Sampling(s.sampledImages(), s.cap(), s.seed(), s.bootstrap(), seconds, s.skippedImages(), work), p.trials());
    }

    @Test
    void identicalProfilesDifferingOnlyInTimingsHaveTheSameProfileHash() {
        DatasetProfile p = GoldenAuditTest.realProfile();
        // a cold probe (every image through the network) and a warm one (all from the cache)
        DatasetProfile a = withSeconds(p, 3.2, new DatasetProfile.FeatureWork(600, 0, 2.5));
        DatasetProfile b = withSeconds(p, 41.7, new DatasetProfile.FeatureWork(0, 600, 0));
        assertThat(io.transferadvisor.probe.ProfileIO.toJson(a)).contains("\"forwardSeconds\" : 2.5");
        assertThat(AuditBuilder.profileHash(a)).isEqualTo(AuditBuilder.profileHash(b));
        // and the audits of two such recommendations record the same hash
        var ra = RuleTesting.recommender().recommend(List.of(a), GoldenAuditTest.REQUEST);
        var rb = RuleTesting.recommender().recommend(List.of(b), GoldenAuditTest.REQUEST);
        assertThat(ra.audit().inputs().profiles().get(0).profileHash()).isEqualTo(rb.audit().inputs().profiles().get(0).profileHash());
    }

    @Test
    void aMeasuredValueChangeChangesTheProfileHash() {
        DatasetProfile p = GoldenAuditTest.realProfile();
        assertThat(AuditBuilder.profileHash(ProfileEdits.withSimilarity(p, 0.3))).isNotEqualTo(AuditBuilder.profileHash(p));
        var s = p.sampling();
        DatasetProfile skipped = new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), p.layers(),
                p.similarity(), p.sourceView(), p.sufficiency(), p.unlabelledImages(),
                new DatasetProfile.Sampling(s.sampledImages(), s.cap(), s.seed(), s.bootstrap(), s.seconds(), 3, s.features()), p.trials());
        assertThat(AuditBuilder.profileHash(skipped)).isNotEqualTo(AuditBuilder.profileHash(p));
    }
}
