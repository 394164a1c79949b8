import { Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { campaignRpcs } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { CampaignService } from '../campaigns/campaign.service';
import { ListService } from '../lists/list.service';
import { ListImportService } from '../lists/list-import.service';
import { ContactService } from '../contacts/contact.service';
import { ContactQueueService } from '../contacts/contact-queue.service';
import { DispositionService } from '../dispositions/disposition.service';
import { CallbackService } from '../callbacks/callback.service';

/**
 * The NATS face of campaign-service: one thin adapter per operation of `campaignRpcs`
 * (the bus has already validated the request against its schema, and validates the reply)
 * calling one use case.
 */
@Injectable()
export class CampaignRpcController implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: NatsBus,
    private readonly campaigns: CampaignService,
    private readonly lists: ListService,
    private readonly imports: ListImportService,
    private readonly contacts: ContactService,
    private readonly queue: ContactQueueService,
    private readonly dispositions: DispositionService,
    private readonly callbacks: CallbackService,
  ) {}

  onApplicationBootstrap(): void {
    const r = campaignRpcs;
    const serve = this.bus.serve.bind(this.bus);
    this.subscriptions.push(
      serve(r.createCampaign, (req) => this.campaigns.create(req)),
      serve(r.getCampaign, (req) => this.campaigns.get(req.campaignId)),
      serve(r.listCampaigns, (req) => this.campaigns.list(req)),
      serve(r.updateCampaign, (req) =>
        this.campaigns.update(req.campaignId, req.expectedVersion, req.changes),
      ),
      serve(r.transitionCampaign, (req) =>
        this.campaigns.transition(req.campaignId, req.action, req.expectedVersion, req.reason),
      ),
      serve(r.campaignStats, (req) => this.campaigns.stats(req.campaignId)),

      serve(r.createList, (req) => this.lists.create(req)),
      serve(r.getList, (req) => this.lists.get(req.listId)),
      serve(r.listLists, (req) => this.lists.listForCampaign(req.campaignId, req)),
      serve(r.startImport, (req) => this.imports.start(req)),
      serve(r.importChunk, (req) => this.imports.chunk(req)),
      serve(r.importStatus, (req) => this.imports.status(req.importId)),
      serve(r.importRejects, (req) => this.imports.rejects(req)),
      serve(r.importWarnings, (req) => this.imports.warnings(req)),
      serve(r.abortImport, (req) => this.imports.abort(req.importId, req.reason)),

      serve(r.getContact, (req) => this.contacts.get(req.contactId)),
      serve(r.listContacts, (req) => this.contacts.list(req)),
      serve(r.setPriority, (req) => this.contacts.setPriority(req)),
      serve(r.assignContacts, (req) => this.contacts.assign(req)),
      serve(r.createSegment, (req) => this.contacts.createSegment(req)),
      serve(r.getSegment, (req) => this.contacts.getSegment(req.segmentId)),
      serve(r.listSegments, (req) => this.contacts.listSegments(req.campaignId, req)),
      serve(r.deleteSegment, (req) => this.contacts.deleteSegment(req.segmentId)),

      serve(r.leaseContacts, (req) => this.queue.lease(req)),
      serve(r.renewLease, (req) => this.queue.renew(req)),
      serve(r.releaseLease, (req) => this.queue.release(req)),
      serve(r.recordOutcome, (req) => this.queue.recordOutcome(req)),
      serve(r.recordOutcomes, async (req) => ({
        results: (await this.queue.recordOutcomes(req.outcomes)).map((answer) =>
          'ok' in answer ? answer : { error: answer.error.toBody() },
        ),
      })),

      serve(r.recordDisposition, (req) => this.dispositions.record(req)),
      serve(r.listDispositions, (req) => this.dispositions.list(req)),
      serve(r.scheduleCallback, (req) => this.callbacks.schedule(req)),
      serve(r.listCallbacks, (req) => this.callbacks.list(req)),
      serve(r.cancelCallback, (req) => this.callbacks.cancel(req.callbackId)),
    );
  }

  /** Stop taking requests first; the bus drains what is in flight when the kit closes it. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}
