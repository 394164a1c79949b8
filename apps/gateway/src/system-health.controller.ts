import { Controller, Get } from '@nestjs/common';
import { healthRpc, SERVICE_NAMES, type HealthReply, type ServiceName } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { Public } from './auth/roles.decorator';

export interface ServiceHealth {
  service: ServiceName;
  ok: boolean;
  reply?: HealthReply;
  error?: { code: string; message: string };
}

/** One view of the whole system: asks every service for its health over NATS. */
@Controller('api/v1/system')
export class SystemHealthController {
  constructor(private readonly bus: NatsBus) {}

  @Get('health')
  @Public('whole-system probe for dashboards and the demo: service names and versions, no data')
  async health(): Promise<{ ok: boolean; services: ServiceHealth[] }> {
    const services = await Promise.all(
      SERVICE_NAMES.map(async (service): Promise<ServiceHealth> => {
        try {
          const reply = await this.bus.request(healthRpc(service), {}, { timeoutMs: 2_000 });
          return { service, ok: reply.dependencies.every((d) => d.ok), reply };
        } catch (error) {
          const e = error as { code?: string; message: string };
          return { service, ok: false, error: { code: e.code ?? 'INTERNAL', message: e.message } };
        }
      }),
    );
    return { ok: services.every((s) => s.ok), services };
  }
}
