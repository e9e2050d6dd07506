package io.stm4j.guice;

import io.stm4j.Stm;
import java.util.concurrent.atomic.AtomicLong;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/** A user's own interceptor, unrelated to stm4j (metrics, say): counts calls and their outcomes. */
final class CountingInterceptor implements MethodInterceptor {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong returned = new AtomicLong();
    final AtomicLong threw = new AtomicLong();
    final AtomicLong calledInsideATransaction = new AtomicLong();
    private final String method;

    CountingInterceptor(String method) {
        this.method = method;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        if (!invocation.getMethod().getName().equals(method)) {
            return invocation.proceed();
        }
        calls.incrementAndGet();
        if (Stm.inTransaction()) {
            calledInsideATransaction.incrementAndGet();
        }
        try {
            Object result = invocation.proceed();
            returned.incrementAndGet();
            return result;
        } catch (Throwable e) {
            threw.incrementAndGet();
            throw e;
        }
    }
}
