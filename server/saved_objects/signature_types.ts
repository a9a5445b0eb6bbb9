/*
 * Saved-object types of the plugin (host-contracts §4.1): the signatures themselves, importable and
 * exportable in the host's Saved Objects management, and their change history (one object per change).
 * Only the fields the API searches or filters on are mapped (`dynamic: false`).
 */
import { SIGNATURE_SAVED_OBJECT_TYPE } from '../../common/constants';
import { SIGNATURE_HISTORY_SAVED_OBJECT_TYPE } from '../../common/api/signatures';
import type { SignatureHistoryEntry } from '../../common/api/signatures';
import type { Signature } from '../../common/signature/types';
import type { SavedObject, SavedObjectsType } from '../types/host';

/** What a signature saved object holds: the signature without its id (the object id), plus who changed it last. */
export type SignatureAttributes = Omit<Signature, 'id'> & { updatedBy?: string };

export function signatureTitle(attributes: SignatureAttributes): string {
  const what = attributes.title?.trim() || attributes.query.replace(/\s+/g, ' ').slice(0, 80);
  return `${attributes.bug.tracker} ${attributes.bug.id}: ${what}`;
}

export const signatureSavedObjectType: SavedObjectsType<SignatureAttributes> = {
  name: SIGNATURE_SAVED_OBJECT_TYPE,
  hidden: false,
  namespaceType: 'single',
  mappings: {
    dynamic: false,
    properties: {
      bug: { properties: { tracker: { type: 'keyword' }, id: { type: 'keyword' } } },
      title: { type: 'text' },
      query: { type: 'text' },
      mode: { type: 'keyword' },
      owner: { type: 'keyword' },
      allowNonvoting: { type: 'boolean' },
      suppressGraph: { type: 'boolean' },
      suppressNotification: { type: 'boolean' },
      updated: { type: 'date' },
    },
  },
  management: {
    importableAndExportable: true,
    displayName: 'elastic-recheck signature',
    icon: 'bug',
    defaultSearchField: 'title',
    getTitle: (obj: SavedObject<SignatureAttributes>) => signatureTitle(obj.attributes),
  },
};

export const signatureHistorySavedObjectType: SavedObjectsType<SignatureHistoryEntry> = {
  name: SIGNATURE_HISTORY_SAVED_OBJECT_TYPE,
  hidden: false,
  namespaceType: 'single',
  mappings: {
    dynamic: false,
    properties: {
      signatureId: { type: 'keyword' },
      action: { type: 'keyword' },
      user: { type: 'keyword' },
      at: { type: 'date' },
    },
  },
  management: { importableAndExportable: false, displayName: 'elastic-recheck signature change' },
};
