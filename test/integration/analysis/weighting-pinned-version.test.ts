// Weighting targets are checked against the version the wave's respondents answered, the one the
// figures weight with, not the survey file's latest.
import { expect } from 'chai';
import supertest from 'supertest';
import { useAppSuite } from '../../support/app-suite';
import { apiTokenFor, createStaff } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { CAPTIC_WITHOUT_ETI, recordVersionText } from '../versions/support';

describe('Weighting a wave pinned to another version', function () {
  this.timeout(30_000);
  const suite = useAppSuite();

  it('refuses a target on an option the pinned version does not have, and takes one that fits it', async () => {
    // A version whose company sizes no longer have ETI, pinned to a new wave.
    const { fingerprint } = await recordVersionText(CAPTIC_WITHOUT_ETI, 'captic-no-eti.yaml');
    await wavesOf(suite.app).createWave(CAPTIC_ID, { waveId: '2027-03', fingerprint }, TEST_ACTOR);

    const token = await apiTokenFor(await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] }), 'manage');
    const put = (targets: Record<string, number>) =>
      supertest(suite.app.url).put(`/api/v1/surveys/${CAPTIC_ID}/waves/2027-03/weighting`).set('Authorization', `Bearer ${token}`).send({ method: 'poststratify', targets: { company_size: targets } });
    const refused = await put({ tpe: 50, pme: 30, eti: 15, ge: 5 });
    expect(refused.status).to.equal(422);
    expect(refused.body.error.message).to.equal('targets.company_size.eti: no such option');
    expect((await put({ tpe: 60, pme: 30, ge: 10 })).status).to.equal(204);
  });
});
