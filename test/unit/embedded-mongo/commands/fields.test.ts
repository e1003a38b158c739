import assert from 'node:assert/strict';
import { checkCommandFields, withoutGenericFields } from '../../../../server/embedded-mongo/commands/fields';
import { errorOf as refusal } from '../error-code';

describe('command fields (IDL parsing as mongod does it)', () => {
  it('accepts a command\'s own fields and the generic arguments', () => {
    checkCommandFields('find', { find: 'c', filter: {}, sort: { a: 1 }, lsid: {}, $db: 'x', maxTimeMS: 5, comment: 'hi', $clusterTime: {} });
  });

  it('refuses an unknown field with 40415, Location40415 and mongod\'s message', () => {
    const error = refusal(() => checkCommandFields('find', { find: 'c', fliter: {} }));
    assert.equal(error.code, 40415);
    assert.equal(error.codeName, 'Location40415');
    assert.equal(error.message, "BSON field 'find.fliter' is an unknown field.");
  });

  it('names an alias by its canonical command name', () => {
    assert.equal(refusal(() => checkCommandFields('findandmodify', { findandmodify: 'c', nope: 1 })).message, "BSON field 'findAndModify.nope' is an unknown field.");
  });

  it('checks the statements of update and delete', () => {
    assert.equal(refusal(() => checkCommandFields('update', { update: 'c', updates: [{ q: {}, u: {}, sort: {} }] })).message, "BSON field 'update.updates.sort' is an unknown field.");
    checkCommandFields('delete', { delete: 'c', deletes: [{ q: {}, limit: 1, collation: { locale: 'en' } }] });
  });

  it('leaves commands without a table unchecked (handshake commands carry driver-specific fields)', () => {
    checkCommandFields('hello', { hello: 1, client: {}, compression: [], loadBalanced: false, anything: true });
  });

  it('withoutGenericFields keeps only what the command itself asks for', () => {
    assert.deepEqual(withoutGenericFields({ create: 'c', validator: {}, lsid: {}, $db: 'x', writeConcern: { w: 1 } }), { create: 'c', validator: {} });
  });
});
