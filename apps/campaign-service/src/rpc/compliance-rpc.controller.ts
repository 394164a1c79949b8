import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { complianceRpcs } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { DialClearanceService } from '../compliance/dial-clearance.service';
import { DncService } from '../compliance/dnc.service';

/** The NATS face of the compliance operations (`complianceRpcs`): thin adapters, one use case each. */
@Injectable()
export class ComplianceRpcController implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: NatsBus,
    private readonly clearance: DialClearanceService,
    private readonly dnc: DncService,
  ) {}

  onApplicationBootstrap(): void {
    const r = complianceRpcs;
    const serve = this.bus.serve.bind(this.bus);
    this.subscriptions.push(
      serve(r.clearToDial, (req) => this.clearance.clearToDial(req)),
      serve(r.clearToDialMany, (req) => this.clearance.clearToDialMany(req)),
      serve(r.addDncEntries, (req) => this.dnc.add(req)),
      serve(r.importDnc, (req) => this.dnc.import(req)),
      serve(r.removeDncEntries, (req) => this.dnc.remove(req)),
      serve(r.listDncEntries, (req) => this.dnc.list(req)),
      serve(r.checkNumber, (req) => this.dnc.check(req)),
      serve(r.listDialAudit, (req) => this.clearance.listAudit(req)),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
