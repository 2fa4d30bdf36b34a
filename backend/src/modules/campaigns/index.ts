// The campaigns module: broadcasts of an approved template to an audience with per-recipient
// variables, previewed (eligible recipients, cost, balance), launched now or scheduled, paced per
// number, paused, resumed and cancelled, with live statistics and a per-recipient report.
export {
  CampaignsService,
  type CampaignListQuery,
  type RecipientListQuery,
  type VariableSourceItem,
} from './campaigns.service.ts';
export { campaignsRoutes } from './campaigns.routes.ts';
export {
  CampaignBody,
  CampaignUpdateBody,
  LaunchBody,
  RenderBody,
  CampaignViewSchema,
  CampaignStatsSchema,
  CampaignPreviewSchema,
  RecipientViewSchema,
  RenderedMessageSchema,
} from './campaigns.schemas.ts';
export {
  CAMPAIGN_STATUSES,
  RECIPIENT_STATES,
  SKIP_REASONS,
  type CampaignStatus,
  type RecipientState,
  type SkipReason,
} from './campaigns.models.ts';
export type * from './campaigns.types.ts';
