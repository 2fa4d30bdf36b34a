// The contacts API: a contact and its tags, typed attributes, notes, merging and conversations; the
// tenant's tags and attribute definitions. Managers and admins only (`contacts.manage`). The list of
// contacts (GET /api/v1/contacts) lives with segments.
import { z } from 'zod';
import { defineRoute, tenantOf, type RouteDef } from '../../http/route.ts';
import type { ContactsService } from './contacts.service.ts';
import { ContactSchema } from './contacts.serialize.ts';
import {
  AddTagsBody,
  AttributeIdParam,
  AttributeSchema,
  ContactConversationSchema,
  ContactIdParam,
  ContactTagParam,
  CreateAttributeBody,
  CreateContactBody,
  CreateNoteBody,
  MergeBody,
  NoteSchema,
  TagSchema,
  UpdateAttributeBody,
  UpdateContactBody,
} from './contacts.schemas.ts';

const tags = ['contacts'];
const access = 'contacts.manage' as const;

export function contactsRoutes(contacts: ContactsService): RouteDef[] {
  return [
    // Contacts ---------------------------------------------------------------------------------------
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts',
      access,
      summary: 'Create a contact (phone normalised to E.164; 409 contact_exists names the contact that has it)',
      tags,
      body: CreateContactBody,
      response: ContactSchema,
      status: 201,
      handler: async ({ ctx, body }) => contacts.create(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/:id',
      access,
      summary: 'A contact (a merged one names the contact it was merged into in mergedIntoId)',
      tags,
      params: ContactIdParam,
      response: ContactSchema,
      handler: async ({ ctx, params }) => contacts.get(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/contacts/:id',
      access,
      summary: "Change a contact's name, email, phone or attribute values (null removes a value)",
      tags,
      params: ContactIdParam,
      body: UpdateContactBody,
      response: ContactSchema,
      handler: async ({ ctx, params, body }) => contacts.update(tenantOf(ctx), params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/contacts/:id',
      access,
      summary: "Erase a contact's profile (name, email, attributes, tags, notes); its consent history stays",
      tags,
      params: ContactIdParam,
      handler: async ({ ctx, params }) => contacts.erase(tenantOf(ctx), params.id),
    }),

    // Tags -------------------------------------------------------------------------------------------
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts/:id/tags',
      access,
      summary: 'Tag a contact (tags are created on the fly; an existing tag is reused whatever its case)',
      tags,
      params: ContactIdParam,
      body: AddTagsBody,
      response: ContactSchema,
      handler: async ({ ctx, params, body }) => contacts.addTags(tenantOf(ctx), params.id, body.tags),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/contacts/:id/tags/:tag',
      access,
      summary: 'Remove a tag from a contact',
      tags,
      params: ContactTagParam,
      response: ContactSchema,
      handler: async ({ ctx, params }) => contacts.removeTag(tenantOf(ctx), params.id, params.tag),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/tags',
      access,
      summary: "The tenant's contact tags with how many contacts carry each",
      tags,
      response: z.object({ items: z.array(TagSchema) }),
      handler: async ({ ctx }) => contacts.listTags(tenantOf(ctx)),
    }),

    // Attribute definitions --------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/api/v1/contact-attributes',
      access,
      summary: "The tenant's custom contact attributes",
      tags,
      response: z.object({ items: z.array(AttributeSchema) }),
      handler: async ({ ctx }) => contacts.listAttributes(tenantOf(ctx)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/contact-attributes',
      access,
      summary: 'Define a custom attribute (key lower_snake_case, unique; type text, number, date, boolean or list)',
      tags,
      body: CreateAttributeBody,
      response: AttributeSchema,
      status: 201,
      handler: async ({ ctx, body }) => contacts.createAttribute(tenantOf(ctx), body),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/contact-attributes/:id',
      access,
      summary: "Change an attribute's label or a list's options (its type cannot change)",
      tags,
      params: AttributeIdParam,
      body: UpdateAttributeBody,
      response: AttributeSchema,
      handler: async ({ ctx, params, body }) => contacts.updateAttribute(tenantOf(ctx), params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/contact-attributes/:id',
      access,
      summary: "Delete an attribute and every contact's value of it",
      tags,
      params: AttributeIdParam,
      handler: async ({ ctx, params }) => contacts.deleteAttribute(tenantOf(ctx), params.id),
    }),

    // Notes, merge, conversations --------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/:id/notes',
      access,
      summary: "A contact's notes, newest first",
      tags,
      params: ContactIdParam,
      response: z.object({ items: z.array(NoteSchema) }),
      handler: async ({ ctx, params }) => contacts.listNotes(tenantOf(ctx), params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts/:id/notes',
      access,
      summary: 'Add a note to a contact',
      tags,
      params: ContactIdParam,
      body: CreateNoteBody,
      response: NoteSchema,
      status: 201,
      handler: async ({ ctx, params, body }) => contacts.addNote(tenantOf(ctx), params.id, body.body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/contacts/:id/merge',
      access,
      summary:
        'Merge a duplicate (otherId) into this contact: identifiers, tags, attributes, notes and conversations move; consent history is kept',
      tags,
      params: ContactIdParam,
      body: MergeBody,
      response: ContactSchema,
      handler: async ({ ctx, params, body }) => contacts.merge(tenantOf(ctx), params.id, body.otherId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/contacts/:id/conversations',
      access,
      summary: "A contact's conversations, latest activity first",
      tags,
      params: ContactIdParam,
      response: z.object({ items: z.array(ContactConversationSchema) }),
      handler: async ({ ctx, params }) => contacts.conversations(tenantOf(ctx), params.id),
    }),
  ];
}
