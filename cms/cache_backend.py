"""Django's Redis cache, with one `redis.Redis` client per connection pool instead of one per call.

Django builds a new `redis.Redis` object for every cache call, and each one copies redis-py's table of ~170
response callbacks; on a booking that cost more than the Redis round trips themselves. The client object is
thread-safe (connections come from the shared pool), so one per pool is enough.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
