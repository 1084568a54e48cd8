import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per housekeeping tick handled: the audit trail that proves a tick ran once across replicas. */
@Entity('housekeeping_runs')
export class HousekeepingRun {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'tick_at', type: 'timestamptz' })
  tickAt: Date;

  @Column({ name: 'handled_by', type: 'text' })
  handledBy: string;

  @Column({ name: 'handled_at', type: 'timestamptz', default: () => 'now()' })
  handledAt: Date;
}
