/**
 * The authenticated identity of a request, as Kubernetes's `user.Info` (name and groups; uid and
 * extra come when something needs them). Authorization (RBAC, the node authorizer) reads this.
 */
export interface User {
  name: string;
  groups: string[];
}

/** Added to every authenticated user's groups, as upstream's authenticated-group adder does. */
export const GROUP_AUTHENTICATED = 'system:authenticated';
/** The superuser group: RBAC lets its members do anything. Only the bootstrap admin is in it. */
export const GROUP_MASTERS = 'system:masters';
/** The group of node agents (kubelets). */
export const GROUP_NODES = 'system:nodes';

/**
 * Who the shared node join token authenticates as. The token is the same for every node, so it
 * cannot say which node is calling: the name is deliberately not a valid node name, so a node
 * authorizer can never match it to a real Node. Joining agents are expected to trade it for a
 * per-node identity (`system:node:<name>`).
 */
export const NODE_TOKEN_USER: Readonly<User> = Object.freeze({
  name: 'system:node:<unknown>',
  groups: [GROUP_NODES],
});

/** A copy of `user` with `system:authenticated` in its groups (once). */
export function withAuthenticatedGroup(user: Readonly<User>): User {
  const groups = user.groups.includes(GROUP_AUTHENTICATED)
    ? [...user.groups]
    : [...user.groups, GROUP_AUTHENTICATED];
  return { name: user.name, groups };
}
