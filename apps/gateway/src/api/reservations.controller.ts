import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  Reservation,
  ReservationChangeReply,
  ReserveAgentReply,
  ReserveAgentRequest,
  callEndedRpc,
  confirmReservationRpc,
  getReservationRpc,
  releaseReservationRpc,
  reserveAgentRpc,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { ZodParam, ZodResponse } from '../http/zod.decorators';

const Id = z.uuid();
const ConfirmBody = z.object({ callId: z.string().min(1).max(200) });
const CallEndedBody = z.object({
  callId: z.string().min(1).max(200).optional(),
  wrapUpSeconds: z.number().min(0).max(3_600),
});

/**
 * Agent reservations for calls, for dialers that run outside the platform: an agent is
 * never reserved twice, and an unconfirmed reservation expires.
 */
@ApiTags('reservations')
@Controller('api/v1/reservations')
@Roles('admin', 'supervisor')
export class ReservationsController {
  constructor(private readonly bus: NatsBus) {}

  /** `{ outcome: 'noAgent' }` when no eligible agent is ready: an answer, not an error. */
  @Post()
  @HttpCode(200)
  @ApiZodBody(ReserveAgentRequest)
  @ZodResponse(200, ReserveAgentReply)
  reserve(@Body() body: unknown) {
    return this.bus.request(reserveAgentRpc, boundary(ReserveAgentRequest, bodyObject(body)));
  }

  @Get(':reservationId')
  @ZodResponse(200, Reservation)
  get(@ZodParam('reservationId', Id) reservationId: string) {
    return this.bus.request(getReservationRpc, { reservationId });
  }

  @Post(':reservationId/confirm')
  @HttpCode(200)
  @ApiZodBody(ConfirmBody)
  @ZodResponse(200, ReservationChangeReply)
  confirm(@ZodParam('reservationId', Id) reservationId: string, @Body() body: unknown) {
    return this.bus.request(confirmReservationRpc, {
      reservationId,
      ...boundary(ConfirmBody, bodyObject(body)),
    });
  }

  @Post(':reservationId/release')
  @HttpCode(200)
  @ZodResponse(200, ReservationChangeReply)
  release(@ZodParam('reservationId', Id) reservationId: string) {
    return this.bus.request(releaseReservationRpc, { reservationId });
  }

  @Post(':reservationId/call-ended')
  @HttpCode(200)
  @ApiZodBody(CallEndedBody)
  @ZodResponse(200, ReservationChangeReply)
  callEnded(@ZodParam('reservationId', Id) reservationId: string, @Body() body: unknown) {
    return this.bus.request(callEndedRpc, { reservationId, ...boundary(CallEndedBody, bodyObject(body)) });
  }
}
