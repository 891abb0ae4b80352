import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

describe('a wrong confidential code says how many tries are left', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('counts down from 5 to 1, then says until when to wait; a right code gives the tries back', async () => {
    const client = await signInUser(t.app, 'demo.auto-ecole@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'other', plate: 'AB-123-CD' }));
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      await client.get(page.url);
      const res = await client.post(`${page.url}/code`, { code: '11111' });
      expect(res.statusCode).toBe(400);
      messages.push(/Le code confidentiel est incorrect[^<]*/.exec(res.body)![0]);
    }
    expect(messages.slice(0, 5).map((m) => /Il vous reste (\d+) essais?/.exec(m)?.[1])).toEqual(['5', '4', '3', '2', '1']);
    expect(messages[4]).toContain('Il vous reste 1 essai avant');
    expect(messages[5]).toMatch(/Trop de codes erronés ont été saisis : vous pourrez réessayer après le \p{L}+ \d+(?:er)? \p{L}+ \d{4} à \d+ h \d{2}/u);
    // the message is next to the field and in the summary
    expect(textOf(client.lastHtml)).toMatch(/Le formulaire contient une erreur.*Le code confidentiel est incorrect/);
  });

  it('the holder on their own vehicle is counted on their account only, and a right code resets nothing for others', async () => {
    const holder = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await holder.follow(await postNewProcedure(holder, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
    await holder.get(page.url);
    const wrong = await holder.post(`${page.url}/code`, { code: '00000' });
    expect(textOf(wrong.body)).toContain('Il vous reste 5 essais');
    await holder.get(page.url);
    const ok = await holder.follow(await holder.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] }));
    expect(textOf(ok.body)).toContain('Code confidentiel accepté.');
  });
});
