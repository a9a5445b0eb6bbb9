import { SIGNATURE_SAVED_OBJECT_TYPE } from '../../common/constants';
import { signatureHistorySavedObjectType, signatureSavedObjectType, signatureTitle } from './signature_types';

test('the signature type: importable/exportable with a title, searchable fields mapped', () => {
  expect(signatureSavedObjectType.name).toBe(SIGNATURE_SAVED_OBJECT_TYPE);
  expect(signatureSavedObjectType.management?.importableAndExportable).toBe(true);
  expect(Object.keys(signatureSavedObjectType.mappings.properties).sort()).toEqual(
    [
      'allowNonvoting',
      'bug',
      'mode',
      'owner',
      'query',
      'suppressGraph',
      'suppressNotification',
      'title',
      'updated',
    ].sort(),
  );
  const attributes = {
    bug: { tracker: 'launchpad' as const, id: '1708704', url: 'https://bugs.launchpad.net/bugs/1708704' },
    query: 'message:"a"\n  AND tags:console',
    allowNonvoting: false,
    suppressGraph: false,
    suppressNotification: false,
    mode: 'explains' as const,
  };
  const title = signatureSavedObjectType.management!.getTitle!({
    id: '1708704',
    type: SIGNATURE_SAVED_OBJECT_TYPE,
    references: [],
    attributes,
  });
  expect(title).toBe('launchpad 1708704: message:"a" AND tags:console');
  expect(signatureTitle({ ...attributes, title: 'RPC timeout' })).toBe('launchpad 1708704: RPC timeout');
  expect(signatureHistorySavedObjectType.management?.importableAndExportable).toBe(false);
});
