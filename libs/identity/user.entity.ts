import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Jurisdiction, Role } from '../common/request-context';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() username: string;
  @Column({ name: 'display_name' }) displayName: string;
  @Column({ type: 'text' }) jurisdiction: Jurisdiction;
  @Column({ type: 'text' }) role: Role;
  @Column({ name: 'password_hash', select: false }) passwordHash: string;
  @Column() active: boolean;
  @Column({ type: 'int' }) version: number;
  /** Bumped when the user's sessions must end (SessionRevocations). */
  @Column({ name: 'session_epoch', type: 'int' }) sessionEpoch: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  jurisdiction: Jurisdiction;
  role: Role;
  active: boolean;
}

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    jurisdiction: u.jurisdiction,
    role: u.role,
    active: u.active,
  };
}
