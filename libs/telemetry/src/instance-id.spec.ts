describe('getInstanceId', () => {
  const saved = process.env['SERVICE_INSTANCE_ID'];
  afterEach(() => {
    if (saved === undefined) delete process.env['SERVICE_INSTANCE_ID'];
    else process.env['SERVICE_INSTANCE_ID'] = saved;
  });

  const load = () => {
    let getInstanceId!: () => string;
    jest.isolateModules(
      () => ({ getInstanceId } = jest.requireActual<typeof import('./instance-id')>('./instance-id')),
    );
    return getInstanceId;
  };

  it('is a UUID fixed for the life of the process', () => {
    delete process.env['SERVICE_INSTANCE_ID'];
    const getInstanceId = load();
    expect(getInstanceId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(getInstanceId()).toBe(getInstanceId());
  });

  it('takes SERVICE_INSTANCE_ID when the deployment sets it', () => {
    process.env['SERVICE_INSTANCE_ID'] = 'dialer-service-7c4b5f6b69-xk2lp';
    expect(load()()).toBe('dialer-service-7c4b5f6b69-xk2lp');
  });
});
