// Bundle entry: registers <wa-campaign-composer>, the elements it is made of, and the shared state elements.
import '../shared/elements.ts';
import { defineElement } from '../shared/base-element.ts';
import { WaCampaignComposer } from './campaigns.component.ts';
import { WaCampaignWizard } from './campaign-wizard.component.ts';
import { WaCampaignReport } from './campaign-report.component.ts';

defineElement('wa-campaign-wizard', WaCampaignWizard);
defineElement('wa-campaign-report', WaCampaignReport);
defineElement('wa-campaign-composer', WaCampaignComposer);

export { WaCampaignComposer, WaCampaignWizard, WaCampaignReport };

declare global {
  interface HTMLElementTagNameMap {
    'wa-campaign-composer': WaCampaignComposer;
    'wa-campaign-wizard': WaCampaignWizard;
    'wa-campaign-report': WaCampaignReport;
  }
}
